"""A browsable reference of the API, rendered on the server from the
OpenAPI document (no third-party scripts, styles or fonts)."""

from typing import Any

from django.shortcuts import render
from django.views.decorators.http import require_safe

from kedai.api.api import api

METHODS = ("get", "post", "put", "patch", "delete")


def _ref_name(schema: dict | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list of {_ref_name(schema.get('items'))}"
    return schema.get("type", "")


def _first(content: dict[str, Any]) -> dict[str, Any]:
    return next(iter(content.values()), {})


@require_safe
def reference_page(request):
    schema: dict[str, Any] = api.get_openapi_schema()
    tags: dict[str, list[dict]] = {}
    for path, item in schema["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = (op.get("requestBody") or {}).get("content", {})
            responses = []
            for status, response in op.get("responses", {}).items():
                content = response.get("content", {})
                first: tuple[str, dict[str, Any]] = next(iter(content.items()),
                                                         ("", {}))
                kind, media = first
                responses.append({"status": status, "type": kind,
                                  "schema": _ref_name(media.get("schema"))})
            tags.setdefault((op.get("tags") or ["other"])[0], []).append({
                "method": method.upper(), "path": path,
                "summary": op.get("summary", ""),
                "auth": bool(op.get("security")),
                "parameters": [{"name": p["name"], "in": p["in"],
                                "required": p.get("required", False),
                                "description": p.get("description", "")}
                               for p in op.get("parameters", [])],
                "body": _ref_name(_first(body).get("schema")),
                "responses": responses,
            })
    components = [
        (name, [(field, _ref_name(spec) or _any_of(spec), spec.get("description", ""))
                for field, spec in body.get("properties", {}).items()])
        for name, body in sorted(schema.get("components", {})
                                 .get("schemas", {}).items())]
    return render(request, "api/reference.html", {
        "info": schema["info"], "openapi": schema["openapi"], "tags": tags,
        "components": components,
    })


def _any_of(spec: dict) -> str:
    return " or ".join(_ref_name(s) for s in spec.get("anyOf", [])) or "any"
