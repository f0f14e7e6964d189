"""A webhook receiver for the demo and tests: ``/webhooks/<inbox>``.

POST stores the request (headers and body) in the inbox and answers 200;
an inbox named ``fail-<n>`` answers 500 to its first ``n`` requests (to
see retries), ``down`` always 503. With ``?secret=<whsec_…>`` the receiver
checks ``Kedai-Signature`` the way docs/api.md tells integrators to, and
answers 400 to a bad one. GET returns the inbox as JSON; DELETE empties it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

_lock = threading.Lock()
_inboxes: dict[str, list[dict]] = {}
_failures: dict[str, int] = {}


def _verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    fields = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        t = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - t) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields.get("v1", ""))


def _answer(start_response: Callable, status: str, payload: object) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body)))])
    return [body]


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    inbox = environ.get("PATH_INFO", "/").strip("/") or "default"
    method = environ["REQUEST_METHOD"]
    if method == "GET":
        with _lock:
            return _answer(start_response, "200 OK", _inboxes.get(inbox, []))
    if method == "DELETE":
        with _lock:
            _inboxes.pop(inbox, None)
            _failures.pop(inbox, None)
        return _answer(start_response, "200 OK", {"emptied": inbox})
    if method != "POST":
        return _answer(start_response, "405 Method Not Allowed", {})
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    header = environ.get("HTTP_KEDAI_SIGNATURE", "")
    secret = parse_qs(environ.get("QUERY_STRING", "")).get("secret", [""])[0]
    verified = _verify(secret, header, body) if secret else None
    with _lock:
        _inboxes.setdefault(inbox, []).append({
            "event": environ.get("HTTP_KEDAI_EVENT", ""),
            "signature": header, "verified": verified,
            "body": body.decode("utf-8", "replace")})
        if inbox == "down":
            return _answer(start_response, "503 Service Unavailable", {})
        if inbox.startswith("fail-"):
            seen = _failures.get(inbox, 0)
            _failures[inbox] = seen + 1
            if seen < int(inbox.removeprefix("fail-") or 0):
                return _answer(start_response, "500 Internal Server Error", {})
    if verified is False:
        return _answer(start_response, "400 Bad Request", {"error": "signature"})
    return _answer(start_response, "200 OK", {"received": True})
