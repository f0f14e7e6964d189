"""``Idempotency-Key`` on POSTs that create something.

The first answer (status and body) to a key is stored with the SHA-256 of
the request body. The same key with the same body gets that answer again
(``Idempotent-Replayed: true``) without running the request; with another
body it is refused (422, code ``idempotency_key_reused``). Keys are kept
per scope (the client and the route), so one client never replays
another's answer. Errors are not stored: a refused request may be retried
with the same key once the problem is fixed.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from ninja import Schema

from kedai.api.models import IdempotencyRecord
from kedai.api.problems import Problem

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
IN_PROGRESS = 0  # status_code of a key whose first request is still running
ABANDONED_AFTER = timedelta(minutes=2)


def render(status: int, data: Schema | list | dict) -> HttpResponse:
    payload = data.model_dump(mode="json") if isinstance(data, Schema) else data
    return HttpResponse(json.dumps(payload), status=status,
                        content_type="application/json")


def _replay(record: IdempotencyRecord, body_hash: str) -> HttpResponse:
    if record.body_hash != body_hash:
        raise Problem(422, "This Idempotency-Key was used with another request "
                      "body.", code="idempotency_key_reused")
    if record.status_code == IN_PROGRESS:
        raise Problem(409, "A request with this Idempotency-Key is still being "
                      "processed; retry in a moment.", code="idempotency_in_progress",
                      headers={"Retry-After": "1"})
    response = HttpResponse(bytes(record.response_body), status=record.status_code,
                            content_type=record.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(request, *, scope: str,
               create: Callable[[], tuple[int, Schema | dict]]) -> HttpResponse:
    """Run ``create`` once per (scope, Idempotency-Key); see the module doc.

    The key is claimed first (a row marked in progress, committed on its
    own), so two concurrent requests with one key never both run
    ``create``: the second is told to retry (409) and then gets the first
    answer. ``create`` returns (status, body) and does its writes in its
    own transaction; a Problem it raises releases the key.
    """
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return render(*create())
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise Problem(400, f"{HEADER} must be at most {MAX_KEY_LENGTH} printable "
                      "characters.", code="idempotency_key")
    scope = scope[:200]
    body_hash = hashlib.sha256(request.body).hexdigest()
    found = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if found is not None and found.status_code == IN_PROGRESS and (
            found.created_at < timezone.now() - ABANDONED_AFTER):
        # Its process died mid-request: nothing was answered, so run again.
        IdempotencyRecord.objects.filter(pk=found.pk,
                                         status_code=IN_PROGRESS).delete()
        found = None
    if found is not None:
        return _replay(found, body_hash)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                scope=scope, key=key, body_hash=body_hash, status_code=IN_PROGRESS,
                response_body=b"", content_type="")
    except IntegrityError:
        return _replay(IdempotencyRecord.objects.get(scope=scope, key=key),
                       body_hash)
    try:
        response = render(*create())
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=response.status_code, response_body=response.content,
        content_type=response["Content-Type"])
    return response


def idempotency_purge(*, now=None) -> int:
    """Delete records older than KEDAI_IDEMPOTENCY_RETENTION_HOURS (a retry
    after that is a new request, as with Stripe's 24 hours); how many."""
    cutoff = (now or timezone.now()) - timedelta(
        hours=settings.KEDAI_IDEMPOTENCY_RETENTION_HOURS)
    deleted, _by_model = IdempotencyRecord.objects.filter(
        created_at__lt=cutoff).delete()
    return deleted
