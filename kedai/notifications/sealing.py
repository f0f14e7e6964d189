"""Secrets kept in the database in a form only the shop's key opens.

A cart link cannot be derived from what the database holds (a cart keeps
only its token's SHA-256), yet the outbox worker must put it into the mail
it sends later, possibly after a restart. The link is stored *sealed*:
XOR-ed with a keystream of HMAC-SHA256 blocks (Django's ``salted_hmac``
keyed by ``SECRET_KEY``) over a fresh random nonce, and authenticated by a
second HMAC. A leaked database or backup therefore opens nothing without
``SECRET_KEY``, which lives in the environment, never in either. Opening
tries ``SECRET_KEY`` and then every ``SECRET_KEY_FALLBACKS`` entry, so a
key rotation does not lose messages still in the queue.
"""

from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from kedai.notifications.exceptions import SealError

_SALT = "kedai.notifications.sealing"
PREFIX = "sealed1."


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _keystream(key: str, nonce: bytes, length: int) -> bytes:
    blocks = []
    for counter in range(-(-length // 32)):
        blocks.append(salted_hmac(f"{_SALT}.pad", nonce + counter.to_bytes(4, "big"),
                                  secret=key, algorithm="sha256").digest())
    return b"".join(blocks)[:length]


def _tag(key: str, body: str) -> str:
    return salted_hmac(f"{_SALT}.mac", body, secret=key,
                       algorithm="sha256").hexdigest()


def seal(text: str) -> str:
    """``text`` sealed with the current ``SECRET_KEY`` (ASCII, URL-safe)."""
    data = text.encode()
    nonce = secrets.token_bytes(16)
    pad = _keystream(settings.SECRET_KEY, nonce, len(data))
    body = f"{_b64(nonce)}.{_b64(bytes(a ^ b for a, b in zip(data, pad, strict=True)))}"
    return f"{PREFIX}{body}.{_tag(settings.SECRET_KEY, body)}"


def unseal(sealed: str) -> str:
    """The text of :func:`seal`; SealError when no configured key opens it."""
    if not sealed.startswith(PREFIX) or sealed.count(".") != 3:
        raise SealError("not sealed text")
    nonce_text, data_text, tag = sealed[len(PREFIX):].split(".")
    body = f"{nonce_text}.{data_text}"
    for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        if constant_time_compare(_tag(key, body), tag):
            nonce, data = _unb64(nonce_text), _unb64(data_text)
            pad = _keystream(key, nonce, len(data))
            return bytes(a ^ b for a, b in zip(data, pad, strict=True)).decode()
    raise SealError("sealed with a key that is no longer configured")
