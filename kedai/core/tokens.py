"""Capability tokens for carts, checkouts, sign-in links (ARCHITECTURE.md §3).

A token is 192 bits from ``secrets``; the database keeps only its SHA-256,
so a leaked database or backup does not reveal working cart links.
"""

import hashlib
import re
import secrets

TOKEN_BYTES = 24  # 192 bits; urlsafe base64 gives 32 characters
TOKEN_PATTERN = r"[A-Za-z0-9_-]{32}"  # noqa: S105 - a pattern, not a secret
_TOKEN_RE = re.compile(rf"^{TOKEN_PATTERN}$")


def new_token() -> str:
    """Return a fresh random token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """Return the stored form of ``token``."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def is_well_formed(token: str) -> bool:
    return bool(_TOKEN_RE.match(token or ""))
