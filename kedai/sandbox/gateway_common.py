"""What every payment-gateway simulator shares: a tiny WSGI toolkit.

Each simulator (kedai/sandbox/<gateway>.py) is a :class:`Simulator` with
its own routes and in-memory state. Besides the gateway's own API it
serves, under ``/_sandbox/``:

* ``POST /_sandbox/faults`` (form): ``create=timeout|error`` makes the
  next payment creation stall past the client's timeout or answer 503;
  ``query=timeout|error`` likewise for status queries; ``delay`` sets the
  stall in seconds (default 3). Each fault fires once.
* ``GET /_sandbox/deliveries``: JSON list of callbacks sent so far
  (url, status, body), for tests and the curious.
* ``POST /_sandbox/reset``: forget payments, faults and deliveries.
* ``POST /_sandbox/dashboard`` (form): the merchant dashboard's settings
  for gateways that keep the shop's URLs there rather than per payment
  (senangPay's return and callback URLs, Stripe's webhook endpoint).

Callbacks are real HTTP POSTs from the simulator to the shop. The hosted
page's "Approve" button takes a ``callback`` mode: ``normal`` (one
callback, before the browser is sent back), ``duplicate`` (the same
callback twice), ``late`` (after the browser return, from a timer) or
``none`` (lost).
"""

from __future__ import annotations

import html
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

LATE_CALLBACK_SECONDS = 1.0
CALLBACK_TIMEOUT = 20.0  # Billplz waits 20 s for the shop to answer


@dataclass
class Request:
    environ: dict
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    body: bytes
    match: re.Match | None = None

    @property
    def base(self) -> str:
        """This simulator's absolute base URL (scheme, host, mount prefix)."""
        env = self.environ
        host = env.get("HTTP_HOST") or f"{env['SERVER_NAME']}:{env['SERVER_PORT']}"
        scheme = env.get("wsgi.url_scheme", "http")
        return f"{scheme}://{host}{env.get('SCRIPT_NAME', '')}"

    def header(self, name: str) -> str:
        return self.environ.get("HTTP_" + name.upper().replace("-", "_"), "")


@dataclass
class Response:
    body: bytes | str
    status: str = "200 OK"
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_response(data: Any, status: str = "200 OK") -> Response:
    return Response(json.dumps(data), status, "application/json")


def text_response(text: str, status: str = "200 OK") -> Response:
    return Response(text, status, "text/plain; charset=utf-8")


def redirect(url: str) -> Response:
    return Response("", "303 See Other", headers=[("Location", url)])


def page(title: str, body: str, status: str = "200 OK") -> Response:
    """A plain HTML page, clearly marked as the sandbox."""
    return Response(
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(title)}</title></head><body>"
        "<p><strong>SANDBOX</strong> — simulated gateway, no real money.</p>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>", status)


def auto_post(url: str, fields: Iterable[tuple[str, str]], title: str) -> Response:
    """A page whose form posts ``fields`` to ``url`` (the browser return)."""
    inputs = "".join(f'<input type=hidden name="{html.escape(k)}" '
                     f'value="{html.escape(v)}">' for k, v in fields)
    return page(title, f'<form method=post action="{html.escape(url)}">{inputs}'
                       '<button type=submit>Return to the shop</button></form>'
                       "<script>document.forms[0].submit()</script>")


def decision_form(action: str, summary: str,
                  extra: tuple[tuple[str, str], ...] = ()) -> str:
    """Approve / decline / cancel buttons (and ``extra`` (value, label)
    buttons) and the callback mode."""
    buttons = "".join(f" <button name=decision value={html.escape(value)}>"
                      f"{html.escape(label)}</button>" for value, label in extra)
    return (f"<p>{summary}</p><form method=post action=\"{html.escape(action)}\">"
            "<fieldset><legend>Callback to the shop</legend>"
            "<label><input type=radio name=callback value=normal checked> "
            "normal</label>"
            "<label><input type=radio name=callback value=duplicate> twice</label>"
            "<label><input type=radio name=callback value=late> late</label>"
            "<label><input type=radio name=callback value=none> lost</label>"
            "</fieldset>"
            "<button name=decision value=approve>Approve</button> "
            "<button name=decision value=decline>Decline</button> "
            f"<button name=decision value=cancel>Cancel</button>{buttons}</form>")


def new_id(prefix: str = "", length: int = 8) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


Handler = Callable[[Request], Response]


class Simulator:
    """A WSGI app: routes, payments in memory, faults, callback delivery."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.routes: list[tuple[str, re.Pattern, Handler]] = []
        self.lock = threading.Lock()
        self.payments: dict[str, dict[str, Any]] = {}
        self.faults: dict[str, str] = {}
        self.fault_delay = 3.0
        self.deliveries: list[dict[str, Any]] = []
        self.dashboard: dict[str, str] = {}
        # Other per-simulator state, cleared by reset (e.g. idempotency keys).
        self.extra: dict[str, Any] = {}
        self.route("POST", r"/_sandbox/dashboard", self._set_dashboard)
        self.route("POST", r"/_sandbox/faults", self._set_faults)
        self.route("POST", r"/_sandbox/reset", self._reset)
        self.route("GET", r"/_sandbox/deliveries",
                   lambda r: json_response(self.deliveries))

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, re.compile(f"^{pattern}$"), handler))

    def _set_dashboard(self, request: Request) -> Response:
        with self.lock:
            self.dashboard.update(request.form)
        return json_response(self.dashboard)

    # --- faults ---------------------------------------------------------------
    def _set_faults(self, request: Request) -> Response:
        with self.lock:
            for key in ("create", "query", "refund"):
                if request.form.get(key):
                    self.faults[key] = request.form[key]
            if request.form.get("delay"):
                self.fault_delay = float(request.form["delay"])
        return json_response(self.faults)

    def _reset(self, request: Request) -> Response:
        with self.lock:
            self.payments.clear()
            self.faults.clear()
            self.deliveries.clear()
            self.dashboard.clear()
            self.extra.clear()
            self.fault_delay = 3.0
        return json_response({})

    def fault(self, operation: str) -> Response | None:
        """Fire the one-shot fault for ``operation``, if one is set."""
        with self.lock:
            kind = self.faults.pop(operation, None)
            delay = self.fault_delay
        if kind == "timeout":
            time.sleep(delay)  # longer than the shop waits: it gives up
            return text_response("too late", "504 Gateway Timeout")
        if kind == "error":
            return text_response("Service Unavailable", "503 Service Unavailable")
        return None

    # --- callbacks ------------------------------------------------------------
    def post(self, url: str, *, fields: dict[str, str] | None = None,
             body: bytes | None = None, headers: dict[str, str] | None = None) -> None:
        """POST one callback to the shop and record what it answered."""
        data = (body if body is not None
                else urllib.parse.urlencode(fields or {}).encode())
        req = urllib.request.Request(url, data=data, method="POST")  # noqa: S310
        req.add_header("Content-Type", "application/x-www-form-urlencoded"
                       if body is None else "application/json")
        for name, value in (headers or {}).items():
            req.add_header(name, value)
        try:
            with urllib.request.urlopen(req, timeout=CALLBACK_TIMEOUT) as resp:  # noqa: S310
                status, answer = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, answer = exc.code, exc.read()
        except OSError as exc:
            status, answer = 0, str(exc).encode()
        with self.lock:
            self.deliveries.append({"url": url, "status": status,
                                    "body": answer.decode("utf-8", "replace")})

    def deliver(self, url: str, mode: str, **kwargs: Any) -> None:
        """Send a callback per ``mode``: normal, duplicate, late or none."""
        if not url or mode == "none":
            return
        if mode == "late":
            timer = threading.Timer(LATE_CALLBACK_SECONDS, self.post, (url,), kwargs)
            timer.daemon = True
            timer.start()
            return
        self.post(url, **kwargs)
        if mode == "duplicate":
            self.post(url, **kwargs)

    # --- WSGI -----------------------------------------------------------------
    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        ctype = environ.get("CONTENT_TYPE", "")
        form = (dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
                if "x-www-form-urlencoded" in ctype else {})
        query = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", ""),
                                            keep_blank_values=True))
        response = text_response("not found\n", "404 Not Found")
        allowed = False
        for route_method, pattern, handler in self.routes:
            match = pattern.match(path)
            if match is None:
                continue
            allowed = True
            if route_method == method:
                response = handler(Request(environ, method, path, query, form, body,
                                           match))
                break
        else:
            if allowed:
                response = text_response("method not allowed\n",
                                         "405 Method Not Allowed")
        payload = (response.body.encode() if isinstance(response.body, str)
                   else response.body)
        start_response(response.status, [("Content-Type", response.content_type),
                                         ("Content-Length", str(len(payload))),
                                         *response.headers])
        return [payload]
