"""The order page's capability token (ARCHITECTURE.md §3)."""

import base64
import hashlib
import hmac

from django.conf import settings


def order_token(checkout_key: str) -> str:
    """The order page token of a checkout: secret, and the same on retries.

    An HMAC of the checkout's idempotency key, so a double-click or a
    replayed POST lands on the same order page without storing the token.
    """
    digest = hmac.new(settings.SECRET_KEY.encode(), f"order:{checkout_key}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:32]
