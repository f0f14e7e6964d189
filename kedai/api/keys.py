"""Admin API keys: made by the owner, shown once, stored hashed, scoped.

A key is ``kd_`` + 32 random bytes (url-safe base64), so the SHA-256 of it
is enough to store (no slow hash needed for a secret of that entropy).
Revoking takes effect at the next request: every request reads the row.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from ninja.security import HttpBearer

from kedai.api.models import SCOPES, ApiKey
from kedai.api.problems import Problem
from kedai.core.ratelimit import rate_limit_exceeded

KEY_PREFIX = "kd_"
# last_used_at is written at most this often per key (one UPDATE a minute,
# not one per request).
LAST_USED_GRANULARITY_SECONDS = 60


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_create(*, name: str, scopes: list[str], created_by: str = ""
                   ) -> tuple[ApiKey, str]:
    """Create a key; return the row and the key itself (shown once only).

    Raises ValueError for an empty name or an unknown scope.
    """
    name = name.strip()
    unknown = set(scopes) - set(SCOPES)
    if not name or unknown or not scopes:
        raise ValueError("A key needs a name and at least one known scope.")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(name=name[:100], prefix=secret[:10],
                                key_hash=_hash(secret),
                                scopes=sorted(set(scopes)),
                                created_by=created_by[:150])
    return key, secret


def api_key_revoke(*, key: ApiKey) -> None:
    """Stop ``key`` at once (idempotent)."""
    ApiKey.objects.filter(pk=key.pk, revoked_at=None).update(
        revoked_at=timezone.now())


def api_key_authenticate(secret: str) -> ApiKey | None:
    """The active key for ``secret``, its last use recorded; else None."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 100:
        return None
    key = ApiKey.objects.filter(key_hash=_hash(secret), revoked_at=None).first()
    if key is None:
        return None
    now = timezone.now()
    stale = now - timedelta(seconds=LAST_USED_GRANULARITY_SECONDS)
    if key.last_used_at is None or key.last_used_at < stale:
        ApiKey.objects.filter(pk=key.pk).filter(
            Q(last_used_at=None) | Q(last_used_at__lt=stale)).update(last_used_at=now)
        key.last_used_at = now
    return key


class ApiKeyAuth(HttpBearer):
    """``Authorization: Bearer kd_…``; rate-limited per key."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        key = api_key_authenticate(token)
        if key is None:
            return None
        limit = settings.KEDAI_API_RATE_LIMIT
        if rate_limit_exceeded(key=f"api:key:{key.pk}", limit=limit,
                               window_seconds=60):
            raise Problem(429, f"More than {limit} requests a minute with this key.",
                          code="rate_limited", headers={"Retry-After": "60"})
        request.api_key = key
        return key


def require(request, scope: str) -> ApiKey:
    """The request's key if it allows ``scope`` (``area:read|write``); 403."""
    key: ApiKey = request.auth
    if not key.allows(scope):
        raise Problem(403, f"This API key does not have the {scope} scope.",
                      code="scope")
    return key
