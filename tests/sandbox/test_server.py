"""The sandbox dispatcher mounts each simulator under its own prefix."""

import json
import urllib.error
import urllib.request

import pytest

from kedai.sandbox.server import SandboxServer


def _echo(environ, start_response):
    body = json.dumps({"script": environ["SCRIPT_NAME"],
                       "path": environ["PATH_INFO"]}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


@pytest.fixture
def server():
    server = SandboxServer(simulators={
        "echo": "tests.sandbox.test_server:_echo",
        "absent": "kedai.sandbox.no_such_module:app",
    }).start()
    yield server
    server.stop()


def test_mounts_a_simulator_under_its_prefix(server):
    url = f"{server.url}/echo/v3/bills/abc"
    with urllib.request.urlopen(url) as response:  # noqa: S310 - http only
        assert json.load(response) == {"script": "/echo", "path": "/v3/bills/abc"}


def test_unknown_and_missing_simulators_are_404(server):
    for path in ("/nope/x", "/absent/x"):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(server.url + path)  # noqa: S310
        assert caught.value.code == 404
