"""The little HTTP every adapter needs, with failures made GatewayError.

Standard library only (urllib): an adapter never lets a transport
exception escape, and never logs request bodies (they hold secrets).
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from kedai.payments.exceptions import CallbackRejected, GatewayError

DEFAULT_TIMEOUT = 15.0


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise GatewayError(f"gateway answered non-JSON ({self.status})") from exc


MODES = ("live", "sandbox")


def mode(options: Mapping[str, Any]) -> str:
    """The gateway's MODE option: "live" or "sandbox" (the default).

    Anything else is read as "sandbox", so a typo never reaches a live
    host; the system check reports it."""
    value = str(options.get("MODE") or "sandbox").strip().lower()
    return value if value in MODES else "sandbox"


def base_url(options: Mapping[str, Any], sandbox_name: str,
             hosts: Mapping[str, str] | None = None) -> str:
    """Where the adapter sends its requests, in this order:

    1. ``OPTIONS["BASE_URL"]`` when set (a proxy, or a test pointing the
       adapter at a simulator);
    2. ``MODE="live"``: the gateway's production host from ``hosts``;
    3. ``MODE="sandbox"``: Kedai's simulator under KEDAI_SANDBOX_URL when
       one is configured (the demo, the tests), else the gateway's own
       sandbox host from ``hosts``.

    Read at call time, so tests and the demo can point KEDAI_SANDBOX_URL
    at a simulator started on a free port.
    """
    url = str(options.get("BASE_URL") or "")
    if not url:
        if mode(options) == "live":
            url = (hosts or {}).get("live", "")
        elif settings.KEDAI_SANDBOX_URL:
            url = f"{settings.KEDAI_SANDBOX_URL.rstrip('/')}/{sandbox_name}"
        else:
            url = (hosts or {}).get("sandbox", "")
    if not url:
        raise GatewayError(f"{sandbox_name}: no BASE_URL and no sandbox configured")
    return url.rstrip("/")


def talks_to_simulator(options: Mapping[str, Any], sandbox_name: str) -> bool:
    """Whether the adapter's requests go to Kedai's own simulator."""
    sandbox = str(settings.KEDAI_SANDBOX_URL or "").rstrip("/")
    if not sandbox:
        return False
    try:
        url = base_url(options, sandbox_name)
    except GatewayError:
        return False
    return url.startswith(sandbox + "/")


def demo_secrets_in_use(options: Mapping[str, Any],
                        demo: Mapping[str, str]) -> list[str]:
    """The option names whose value is a published demo secret (the
    simulator's defaults, or a documentation example): anyone can sign
    callbacks with those (issue 13, defect 17)."""
    return [name for name, value in demo.items()
            if value and str(options.get(name) or "") == value]


def refuse_demo_secrets(options: Mapping[str, Any], sandbox_name: str,
                        demo: Mapping[str, str]) -> None:
    """Refuse to believe a callback signed with a published demo secret
    unless the adapter talks to Kedai's simulator: the system check
    reports the same at start-up, this holds when it was ignored."""
    names = demo_secrets_in_use(options, demo)
    if names and not talks_to_simulator(options, sandbox_name):
        raise CallbackRejected(
            f"{sandbox_name}: {', '.join(names)} is a published demo secret "
            "outside the sandbox", status=503)


def request(method: str, url: str, *, form: Mapping[str, str] | None = None,
            basic_auth: tuple[str, str] | None = None,
            headers: Mapping[str, str] | None = None,
            timeout: float = DEFAULT_TIMEOUT,
            accept_statuses: tuple[int, ...] = (200, 201)) -> HttpResponse:
    """Send one request; GatewayError on timeout, refusal or bad status."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    req = urllib.request.Request(url, data=data, method=method)  # noqa: S310
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    if basic_auth is not None:
        token = base64.b64encode(":".join(basic_auth).encode()).decode()
        req.add_header("Authorization", f"Basic {token}")
    req.add_header("Accept", "application/json, text/plain")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
            status, body = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        path = urllib.parse.urlsplit(url).path
        raise GatewayError(f"{method} {path}: {exc}") from exc
    if status not in accept_statuses:
        raise GatewayError(f"{method} {urllib.parse.urlsplit(url).path}: HTTP {status}")
    return HttpResponse(status, body)


def sandbox_dashboard(options: Mapping[str, Any], sandbox_name: str,
                      **urls: str) -> None:
    """Set the shop's URLs in the simulator's stand-in for the merchant
    dashboard (senangPay, Stripe keep them there). Only when the adapter
    talks to the sandbox; against the real gateway the owner sets them
    once in its dashboard."""
    if not talks_to_simulator(options, sandbox_name):
        return
    request("POST", base_url(options, sandbox_name) + "/_sandbox/dashboard",
            form=urls, timeout=5)
