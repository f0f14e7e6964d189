"""Webhook URLs cannot reach internal addresses (SSRF), at registration and
at every send; the request goes to the address that was checked."""

import http.server
import ipaddress
import shutil
import ssl
import subprocess
import threading

import pytest

from kedai.api import webhook_targets, webhooks
from kedai.api.models import WebhookEndpoint
from kedai.api.webhook_targets import WebhookTargetRefused, address_is_public
from kedai.notifications.delivery import outbox_deliver_due
from kedai.notifications.models import Message

REFUSED = [
    # loopback, unspecified
    "127.0.0.1", "127.255.0.7", "0.0.0.0", "::1", "::",  # noqa: S104
    # private (RFC 1918, ULA), shared / CGNAT
    "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "fc00::1",
    "fd12:3456::1", "100.64.0.1",
    # link-local, and the metadata services
    "169.254.0.1", "fe80::1", "169.254.169.254", "169.254.170.2",
    "100.100.100.200", "192.0.0.192", "fd00:ec2::254",
    # multicast, broadcast, reserved, documentation, benchmarking
    "224.0.0.1", "239.255.255.250", "ff02::1", "ff0e::1", "255.255.255.255",
    "240.0.0.1", "192.0.2.1", "198.51.100.1", "203.0.113.9", "2001:db8::1",
    "198.18.0.1", "100::1",
    # IPv4 hidden in IPv6: mapped, compatible, 6to4, NAT64
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1",
    "::127.0.0.1", "2002:7f00:1::1", "2002:a9fe:a9fe::", "64:ff9b::a9fe:a9fe",
    "64:ff9b::7f00:1",
]
ALLOWED = ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111",
           "2a00:1450:4001:81b::200e", "::ffff:8.8.8.8", "2002:808:808::1"]


@pytest.mark.parametrize("address", REFUSED)
def test_internal_addresses_are_refused(address):
    assert not address_is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address):
    assert address_is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/hook", "http://localhost/hook", "http://[::1]/hook",
    "http://[::ffff:7f00:1]/hook", "http://2130706433/hook", "http://0x7f.1/hook",
    "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://0/",
    "http://[fd00:ec2::254]/", "https://192.168.0.10/hook",
])
def test_registration_refuses_internal_hosts(settings, url):
    settings.KEDAI_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(WebhookTargetRefused):
        webhook_targets.target_check(url)


@pytest.mark.parametrize("url", [
    "ftp://8.8.8.8/hook", "file:///etc/passwd", "gopher://8.8.8.8:70/_x",
    "javascript:alert(1)", "https://user:pass@8.8.8.8/hook",
    "https://user@8.8.8.8/hook", "https:///hook", "http://8.8.8.8:99999/",
])
def test_registration_refuses_bad_urls_even_when_private_is_allowed(settings, url):
    settings.KEDAI_WEBHOOK_ALLOW_PRIVATE = True
    with pytest.raises(WebhookTargetRefused):
        webhook_targets.target_check(url)


def test_public_literal_address_is_accepted(settings):
    settings.KEDAI_WEBHOOK_ALLOW_PRIVATE = False
    target = webhook_targets.target_resolve("https://8.8.8.8/hook?x=1")
    assert (target.address, target.port, target.path) == ("8.8.8.8", 443, "/hook?x=1")


def test_a_host_with_any_internal_address_is_refused(settings, monkeypatch):
    settings.KEDAI_WEBHOOK_ALLOW_PRIVATE = False
    monkeypatch.setattr(webhook_targets, "resolve",
                        lambda host, port: ["8.8.8.8", "10.0.0.5"])
    with pytest.raises(WebhookTargetRefused, match="10.0.0.5"):
        webhook_targets.target_check("https://hooks.example.com/x")


@pytest.mark.django_db
def test_service_and_office_form_refuse_internal_urls(settings, owner_client):
    settings.KEDAI_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValueError):
        webhooks.endpoint_create(url="http://169.254.169.254/", events=["order.paid"])
    page = owner_client.post("/office/api/webhooks/", {
        "url": "http://127.0.0.1:6379/", "events": ["order.paid"]})
    assert page.status_code == 422
    assert "internal or reserved address" in page.content.decode()
    page = owner_client.post("/office/api/webhooks/", {
        "url": "https://me:secret@8.8.8.8/", "events": ["order.paid"]})
    assert page.status_code == 422
    assert not WebhookEndpoint.objects.exists()


class _Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self.server.seen.append({"host": self.headers["Host"], "path": self.path,
                                 "body": self.rfile.read(length)})
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _deliver_one():
    outbox_deliver_due()
    return Message.objects.get(kind="webhook")


@pytest.mark.django_db
def test_send_time_check_catches_dns_rebinding(settings, monkeypatch, receiver):
    """Registered while the name was public; at send time it points at
    127.0.0.1: nothing is sent there, the attempt says why."""
    settings.KEDAI_WEBHOOK_ALLOW_PRIVATE = False
    answers = {"hooks.example.com": ["93.184.215.14"]}
    monkeypatch.setattr(webhook_targets, "resolve", lambda host, port: answers[host])
    port = receiver.server_address[1]
    webhooks.endpoint_create(url=f"http://hooks.example.com:{port}/in",
                             events=["product.changed"])
    answers["hooks.example.com"] = ["127.0.0.1"]
    webhooks.products_changed([1])
    message = _deliver_one()
    assert message.status != "sent"
    assert "WebhookTargetRefused" in message.last_error
    assert "127.0.0.1" in message.last_error
    assert receiver.seen == []


@pytest.mark.django_db
def test_request_goes_to_the_checked_address_with_the_host_kept(monkeypatch,
                                                                receiver):
    """Resolved once per send; the connection goes to that address and the
    Host header still names the URL's host."""
    calls = []

    def resolve(host, port):
        calls.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(webhook_targets, "resolve", resolve)
    port = receiver.server_address[1]
    webhooks.endpoint_create(url=f"http://hooks.example.com:{port}/in?a=1",
                             events=["product.changed"])
    calls.clear()
    webhooks.products_changed([1])
    message = _deliver_one()
    assert message.status == "sent"
    assert calls == ["hooks.example.com"]
    [seen] = receiver.seen
    assert seen["host"] == f"hooks.example.com:{port}"
    assert seen["path"] == "/in?a=1"


def test_redirects_are_not_followed(receiver):
    port = receiver.server_address[1]
    status = webhook_targets.post(f"http://127.0.0.1:{port}/redirect", body=b"{}",
                                  headers={}, timeout=5)
    assert status == 302
    assert [s["path"] for s in receiver.seen] == ["/redirect"]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")
def test_https_sends_the_host_name_for_sni_and_checks_the_certificate(
        tmp_path, monkeypatch):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(  # noqa: S603
        [shutil.which("openssl") or "openssl", "req", "-x509", "-newkey",
         "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=hooks.example.com", "-addext",
         "subjectAltName=DNS:hooks.example.com", "-keyout", str(key),
         "-out", str(cert)], check=True, capture_output=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.seen = []
    names = []
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    tls.sni_callback = lambda sock, name, ctx: names.append(name)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(webhook_targets, "resolve",
                            lambda host, port: ["127.0.0.1"])
        client_tls = ssl.create_default_context(cafile=str(cert))
        port = server.server_address[1]
        status = webhook_targets.post(f"https://hooks.example.com:{port}/in",
                                      body=b"{}", headers={}, timeout=5,
                                      ssl_context=client_tls)
        assert status == 200
        assert names == ["hooks.example.com"]
        assert server.seen[0]["host"] == f"hooks.example.com:{port}"
        # A certificate for another name is refused.
        with pytest.raises(ssl.SSLCertVerificationError):
            webhook_targets.post(f"https://other.example.com:{port}/in", body=b"{}",
                                 headers={}, timeout=5, ssl_context=client_tls)
    finally:
        server.shutdown()
        server.server_close()
