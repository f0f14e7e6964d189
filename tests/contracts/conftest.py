"""Contract tests: the gateways' and EasyParcel's *published* examples
(request and response bodies, signature vectors, status codes), run
against Kedai's adapters directly — never through Kedai's own simulators,
which could share a misreading. Each test names its public source.

Where an adapter must make an HTTP call, ``canned`` is a tiny local
server that answers with the published reply and records what the
adapter sent (so the request's shape is checked too).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Canned:
    url: str
    replies: list[tuple[int, str, bytes]] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)

    def reply(self, body: str | bytes, *, status: int = 200,
              content_type: str = "text/plain") -> None:
        data = body.encode() if isinstance(body, str) else body
        self.replies.append((status, content_type, data))


@pytest.fixture
def canned():
    state = Canned(url="")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            state.requests.append({"method": self.command, "path": self.path,
                                   "headers": dict(self.headers),
                                   "body": self.rfile.read(length) if length else b""})
            status, content_type, body = (state.replies.pop(0) if state.replies
                                          else (404, "text/plain", b"no reply"))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def adapter(cls, code: str, **options):
    """An adapter as settings would build it, pointed at ``BASE_URL``."""
    return cls(code, options)
