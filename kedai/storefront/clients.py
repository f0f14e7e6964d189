"""Who asks: the requesting client's address, for limits on emails sent.

One place on purpose: behind a reverse proxy every request has the
proxy's REMOTE_ADDR, so this is where the real client address
(X-Forwarded-For from trusted proxies) is to be read.
"""

from django.http import HttpRequest


def mail_client(request: HttpRequest) -> str:
    """The network address that "email me a link" requests are counted by."""
    return request.META.get("REMOTE_ADDR", "")
