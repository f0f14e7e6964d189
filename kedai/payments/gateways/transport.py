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

from kedai.payments.exceptions import GatewayError

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


def base_url(options: Mapping[str, Any], sandbox_name: str) -> str:
    """The gateway's base URL: OPTIONS["BASE_URL"], else the sandbox's.

    Read at call time, so tests and the demo can point KEDAI_SANDBOX_URL
    at a simulator started on a free port.
    """
    url = options.get("BASE_URL") or ""
    if not url and settings.KEDAI_SANDBOX_URL:
        url = f"{settings.KEDAI_SANDBOX_URL.rstrip('/')}/{sandbox_name}"
    if not url:
        raise GatewayError(f"{sandbox_name}: no BASE_URL and no sandbox configured")
    return url.rstrip("/")


def request(method: str, url: str, *, form: Mapping[str, str] | None = None,
            basic_auth: tuple[str, str] | None = None,
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
    if options.get("BASE_URL"):
        return
    request("POST", base_url(options, sandbox_name) + "/_sandbox/dashboard",
            form=urls, timeout=5)
