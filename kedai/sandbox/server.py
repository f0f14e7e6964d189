"""One HTTP server for every simulator, each mounted under its own prefix.

``/billplz/…`` goes to the Billplz simulator with ``/billplz`` moved from
PATH_INFO to SCRIPT_NAME, so each simulator sees the paths of the real API.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]

# prefix → "module:attribute" of a WSGI app. A module that is not there yet
# is skipped, so the server runs with whatever simulators exist.
SIMULATORS: dict[str, str] = {
    "carrier": "kedai.sandbox.carrier:app",
    "billplz": "kedai.sandbox.billplz:app",
    "ipay88": "kedai.sandbox.ipay88:app",
    "fiuu": "kedai.sandbox.fiuu:app",
    "senangpay": "kedai.sandbox.senangpay:app",
    "stripe": "kedai.sandbox.stripe:app",
    "webhooks": "kedai.sandbox.webhooks:app",
}


def _load(target: str) -> WSGIApp | None:
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    return getattr(module, attribute)


def sandbox_app(simulators: dict[str, str] | None = None) -> WSGIApp:
    """A WSGI app dispatching ``/<prefix>/…`` to each simulator."""
    apps = {prefix: app for prefix, target in (simulators or SIMULATORS).items()
            if (app := _load(target)) is not None}

    def dispatch(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        prefix, _, rest = path.lstrip("/").partition("/")
        app = apps.get(prefix)
        if app is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"no such simulator\n"]
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/" + prefix
        environ["PATH_INFO"] = "/" + rest
        return app(environ, start_response)

    return dispatch


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the shop's own logs tell the story; keep test output clean


class SandboxServer:
    """A running sandbox on a thread; ``url`` is its base URL."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 simulators: dict[str, str] | None = None) -> None:
        self._server = make_server(host, port, sandbox_app(simulators),
                                   server_class=_ThreadingServer,
                                   handler_class=_QuietHandler)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="kedai-sandbox", daemon=True)

    def start(self) -> SandboxServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def serve_forever(self) -> None:
        self._server.serve_forever()
