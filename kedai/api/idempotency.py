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

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from ninja import Schema

from kedai.api.models import IdempotencyRecord
from kedai.api.problems import Problem

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def render(status: int, data: Schema | list | dict) -> HttpResponse:
    payload = data.model_dump(mode="json") if isinstance(data, Schema) else data
    return HttpResponse(json.dumps(payload), status=status,
                        content_type="application/json")


def _replay(record: IdempotencyRecord, body_hash: str) -> HttpResponse:
    if record.body_hash != body_hash:
        raise Problem(422, "This Idempotency-Key was used with another request "
                      "body.", code="idempotency_key_reused")
    response = HttpResponse(bytes(record.response_body), status=record.status_code,
                            content_type=record.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(request, *, scope: str,
               create: Callable[[], tuple[int, Schema | dict]]) -> HttpResponse:
    """Run ``create`` once per (scope, Idempotency-Key); see the module doc.

    ``create`` returns (status, body) and should do its writes in its own
    transaction; its answer is stored after it returns.
    """
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return render(*create())
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise Problem(400, f"{HEADER} must be at most {MAX_KEY_LENGTH} printable "
                      "characters.", code="idempotency_key")
    body_hash = hashlib.sha256(request.body).hexdigest()
    found = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if found is not None:
        return _replay(found, body_hash)
    response = render(*create())
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                scope=scope[:200], key=key, body_hash=body_hash,
                status_code=response.status_code, response_body=response.content,
                content_type=response["Content-Type"])
    except IntegrityError:
        # A concurrent request with the same key finished first: answer as it.
        return _replay(IdempotencyRecord.objects.get(scope=scope, key=key),
                       body_hash)
    return response
