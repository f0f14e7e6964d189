"""Where a webhook may be sent: public http(s) addresses only (no SSRF).

A webhook URL is typed by the owner (or by whoever holds an office login),
and the shop's server then makes requests to it. Without a guard that is a
way to reach what only the server can: the cloud metadata service
(``169.254.169.254``), the database, Redis, the admin of a router. So:

- at registration (:func:`target_check`) the URL must be ``http`` or
  ``https``, carry no user name or password, and its host must resolve only
  to public addresses — not loopback, private (RFC 1918, ULA), shared
  (CGNAT), link-local, multicast, reserved, unspecified, documentation or a
  known metadata address, in IPv4 or IPv6, also when an IPv4 address hides
  in an IPv6 one (``::ffff:127.0.0.1``, 6to4, NAT64, Teredo);
- at every send (:func:`target_resolve` then :func:`post`) the host is
  resolved again (DNS may have changed since registration: "DNS
  rebinding"), every address is checked, and the request is made to the
  address that was checked — never resolved a second time — with the
  original ``Host`` header and, for https, the original name for SNI and
  certificate checking. Redirects are not followed (a 3xx answer is a
  failed delivery); no proxy from the environment is used.

``KEDAI_WEBHOOK_ALLOW_PRIVATE`` turns the address check off (scheme and
credential checks stay) for the demo and the tests, whose receiver is the
sandbox on ``127.0.0.1``. It is off by default and must stay off in
production.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Addresses that pass Python's ``is_global`` but must never be reached:
# cloud metadata services and the IETF protocol block they sit in.
_BLOCKED_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8",            # "this network"
    "100.64.0.0/10",        # shared address space (CGNAT; Alibaba metadata)
    "169.254.0.0/16",       # link-local (AWS, GCP, Azure, OpenStack metadata)
    "192.0.0.0/24",         # IETF protocol assignments (Oracle metadata .192)
    "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",  # documentation
    "198.18.0.0/15",        # benchmarking
    "240.0.0.0/4",          # reserved
    "255.255.255.255/32",
    "fd00:ec2::/32",        # AWS metadata over IPv6 (also ULA)
    "fc00::/7",             # unique local
    "fe80::/10",            # link-local
    "2001:db8::/32",        # documentation
    "100::/64",             # discard-only
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class WebhookTargetRefused(ValueError):
    """The URL or the address it resolves to may not receive webhooks."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str          # as written in the URL (for Host and SNI)
    port: int
    path: str          # path and query, at least "/"
    address: str       # the checked address to connect to


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """An IPv4 address carried inside an IPv6 one, if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client's address
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if int(ip) >> 32 == 0 and int(ip) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(ip))
    return None


def address_is_public(ip: IPAddress) -> bool:
    """True when ``ip`` is an ordinary Internet address a webhook may reach."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None and (ip.ipv4_mapped is not None or ip in _NAT64
                                  or int(ip) >> 32 == 0):
            return address_is_public(inner)  # it is that IPv4 address
        if inner is not None and not address_is_public(inner):
            return False  # 6to4 / Teredo of an internal address
        ip = ipaddress.IPv6Address(ip.packed)  # drop any %scope
    if (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified or not ip.is_global):
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return False
    return not any(ip.version == net.version and ip in net
                   for net in _BLOCKED_NETWORKS)


def _split(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise WebhookTargetRefused(_("This is not a valid URL.")) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise WebhookTargetRefused(_("Only http:// and https:// URLs can receive "
                                     "webhooks."))
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise WebhookTargetRefused(_("A webhook URL may not contain a user name or "
                                     "password; authenticate the signature instead."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise WebhookTargetRefused(_("The URL has no host."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or (443 if scheme == "https" else 80), path


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (tests replace this to play DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def target_resolve(url: str, *, allow_private: bool | None = None) -> Target:
    """Check ``url`` and resolve its host now; raise WebhookTargetRefused
    unless every address is public (or private targets are allowed)."""
    if allow_private is None:
        allow_private = settings.KEDAI_WEBHOOK_ALLOW_PRIVATE
    scheme, host, port, path = _split(url)
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise WebhookTargetRefused(
            _("The host %(host)s could not be resolved.") % {"host": host}) from exc
    if not addresses:
        raise WebhookTargetRefused(
            _("The host %(host)s could not be resolved.") % {"host": host})
    if not allow_private:
        for address in addresses:
            try:
                ip = ipaddress.ip_address(address.split("%", 1)[0])
            except ValueError as exc:
                raise WebhookTargetRefused(_("The host resolves to an unusable "
                                             "address.")) from exc
            if not address_is_public(ip) and address == host:
                raise WebhookTargetRefused(
                    _("%(address)s is an internal or reserved address; webhooks "
                      "go only to public Internet addresses.")
                    % {"address": address})
            if not address_is_public(ip):
                raise WebhookTargetRefused(
                    _("%(host)s resolves to %(address)s, an internal or reserved "
                      "address; webhooks go only to public Internet addresses.")
                    % {"host": host, "address": address})
    return Target(scheme=scheme, host=host, port=port, path=path,
                  address=addresses[0])


def target_check(url: str) -> None:
    """Registration-time check (the office form and the service)."""
    target_resolve(url)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a given address; Host stays the URL's host."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to a given address, with SNI and certificate checks for the host."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float,
                 context: ssl.SSLContext):
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float,
         ssl_context: ssl.SSLContext | None = None) -> int:
    """POST ``body`` to ``url`` after checking where it goes; the status.

    Raises WebhookTargetRefused when the host now resolves to an address
    that may not be reached, OSError on network failures.
    """
    target = target_resolve(url)
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(
            target.host, target.port, address=target.address, timeout=timeout,
            context=ssl_context or ssl.create_default_context())
    else:
        connection = _PinnedHTTPConnection(target.host, target.port,
                                           address=target.address, timeout=timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # the answer is not used; read a little
        return response.status
    finally:
        connection.close()
