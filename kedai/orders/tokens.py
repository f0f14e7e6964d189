"""The order page's capability token (ARCHITECTURE.md §3)."""

import base64
import hashlib
import hmac

from django.conf import settings


def _derive(key: str, checkout_key: str) -> str:
    digest = hmac.new(key.encode(), f"order:{checkout_key}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:32]


def order_token(checkout_key: str) -> str:
    """The order page token of a checkout: secret, and the same on retries.

    An HMAC of the checkout's idempotency key, so a double-click or a
    replayed POST lands on the same order page without storing the token
    (the order keeps only its SHA-256). After a ``SECRET_KEY`` rotation the
    order placed under an old key (kept in ``SECRET_KEY_FALLBACKS``) still
    gets the token its first link carried: each key is tried and the one
    whose token matches the stored hash wins, so every later email links
    to the same, working page.
    """
    token = _derive(settings.SECRET_KEY, checkout_key)
    fallbacks = list(settings.SECRET_KEY_FALLBACKS)
    if not fallbacks:
        return token
    from kedai.orders.models import Order

    stored = (Order.objects.filter(checkout_key=checkout_key)
              .values_list("token_hash", flat=True).first())
    if stored is None:
        return token  # a new order: the current key
    for key in [settings.SECRET_KEY, *fallbacks]:
        candidate = _derive(key, checkout_key)
        if hmac.compare_digest(
                hashlib.sha256(candidate.encode("ascii")).hexdigest(), stored):
            return candidate
    return token
