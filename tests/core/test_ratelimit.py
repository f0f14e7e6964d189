"""The client address rate limits are keyed by (issue 13, defect 10)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from kedai.core.ratelimit import client_address


def request(peer: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_peer_is_the_client(settings):
    settings.KEDAI_TRUSTED_PROXIES = ""
    assert client_address(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize("forwarded,expected", [
    ("198.51.100.1", "198.51.100.1"),
    # A client's own (forged) entries come first; one proxy appended the last.
    ("1.1.1.1, 198.51.100.1", "198.51.100.1"),
    ("", "10.0.0.2"),
    ("not-an-address", "10.0.0.2"),
])
def test_a_count_of_proxies_reads_that_many_hops_from_the_right(settings, forwarded,
                                                                 expected):
    settings.KEDAI_TRUSTED_PROXIES = "1"
    assert client_address(request("10.0.0.2", forwarded)) == expected


def test_two_proxies(settings):
    settings.KEDAI_TRUSTED_PROXIES = "2"
    assert client_address(request("10.0.0.2", "6.6.6.6, 198.51.100.1, 172.16.0.1")
                          ) == "198.51.100.1"


def test_a_list_of_networks_skips_only_trusted_hops(settings):
    settings.KEDAI_TRUSTED_PROXIES = "10.0.0.0/8, 172.16.0.5"
    assert client_address(request("10.0.0.2", "6.6.6.6, 198.51.100.1, 172.16.0.5")
                          ) == "198.51.100.1"
    # A peer that is not a trusted proxy is the client, whatever it says.
    assert client_address(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"
    # Every hop trusted: the leftmost is the best we know.
    assert client_address(request("10.0.0.2", "10.1.1.1")) == "10.1.1.1"
    settings.KEDAI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request("10.0.0.2", "198.51.100.1")) == "198.51.100.1"


def test_a_garbled_setting_is_a_clear_error(settings):
    settings.KEDAI_TRUSTED_PROXIES = "nginx.local"
    with pytest.raises(ImproperlyConfigured, match="KEDAI_TRUSTED_PROXIES"):
        client_address(request("10.0.0.2", "198.51.100.1"))
