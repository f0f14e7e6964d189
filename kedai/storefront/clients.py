"""Who asks: the requesting client's address, for limits on emails sent."""

from django.http import HttpRequest

from kedai.core.ratelimit import client_address


def mail_client(request: HttpRequest) -> str:
    """The network address that "email me a link" requests are counted by:
    the real client, read through trusted proxies (KEDAI_TRUSTED_PROXIES)."""
    return client_address(request)
