"""Outbound webhooks: endpoints, events, signatures, delivery.

Each event is written to the outbox (kedai.notifications) in the same
transaction as the change it reports, one message per subscribed endpoint;
the outbox worker posts it (:func:`webhook_post`), retries with backoff
and records every attempt.

Every POST carries ``Kedai-Signature: t=<unix time>,v1=<hex>`` where the
hex is HMAC-SHA256, keyed with the endpoint's secret, of
``"<t>.<raw body>"`` (like Stripe's ``Stripe-Signature``). Receivers
recompute it, compare in constant time and refuse a ``t`` older than a few
minutes (replays). :func:`signature_verify` does exactly that.

The domain calls :func:`webhook_event` from where each fact happens (see
docs/api.md, "Where events are sent from"); when kedai.core.events exists
these calls become subscribers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch

from kedai.api import webhook_targets
from kedai.api.models import WebhookEndpoint, WebhookEvent
from kedai.notifications.models import DeliveryAttempt, Message
from kedai.notifications.services import WEBHOOK_KIND, message_resend, webhook_queue

SIGNATURE_HEADER = "Kedai-Signature"
TOLERANCE_SECONDS = 300
_ENDPOINT_PREFIX = "webhook:"


def endpoint_create(*, url: str, events: list[str]) -> WebhookEndpoint:
    """Register ``url`` for ``events``; its secret is made here (shown once
    in the back office, needed to verify signatures). A URL that may not
    receive webhooks (kedai.api.webhook_targets) raises
    WebhookTargetRefused, a ValueError."""
    webhook_targets.target_check(url)
    unknown = set(events) - set(WebhookEvent.values)
    if unknown or not events:
        raise ValueError(f"Unknown webhook events: {sorted(unknown)}")
    return WebhookEndpoint.objects.create(
        url=url, events=sorted(set(events)),
        secret="whsec_" + secrets.token_urlsafe(24))


def webhook_event(*, event: str, data: dict[str, Any], reference: str = "") -> int:
    """Queue ``event`` for every active endpoint that wants it; return how
    many. Call inside the transaction of the change (the rows commit or
    roll back with it). Cheap when nobody subscribed: one query."""
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True)
                 if event in e.events]
    if not endpoints:
        return 0
    event_id = f"evt_{uuid.uuid4().hex}"
    body = json.dumps({"id": event_id, "type": event, "created": int(time.time()),
                       "data": data}, separators=(",", ":"), default=str)
    for endpoint in endpoints:
        webhook_queue(url=endpoint.url, endpoint=f"{_ENDPOINT_PREFIX}{endpoint.pk}",
                      event=event, body=body, reference=reference,
                      dedupe_key=f"webhook:{endpoint.pk}:{event_id}")
    return len(endpoints)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return mac.hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={signature(secret, t, body)}"


def signature_verify(*, secret: str, header: str, body: bytes,
                     tolerance: int = TOLERANCE_SECONDS, now: float | None = None
                     ) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` recently enough."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        name, _sep, value = item.strip().partition("=")
        parts.setdefault(name, []).append(value)
    try:
        t = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - t) > tolerance:
        return False
    expected = signature(secret, t, body)
    return any(hmac.compare_digest(expected, v) for v in parts.get("v1", []))


def webhook_post(message: Message) -> int:
    """POST one outbox webhook, signed now; return the HTTP status.

    Network errors and a host that now resolves to an internal address
    raise (the outbox retries and shows why). An endpoint removed since
    the event answers 410 without a request (retried until the outbox
    gives up, so the owner sees it failed).
    """
    endpoint_id = message.from_email.removeprefix(_ENDPOINT_PREFIX)
    endpoint = WebhookEndpoint.objects.filter(pk=int(endpoint_id or 0)).first() \
        if endpoint_id.isdigit() else None
    if endpoint is None:
        return 410
    body = message.body_text.encode()
    # Checked again now (DNS may have changed since registration) and sent
    # to the checked address; redirects are not followed.
    return webhook_targets.post(endpoint.url, body=body, timeout=float(
        settings.KEDAI_WEBHOOK_TIMEOUT), headers={
            "Content-Type": "application/json",
            "User-Agent": "Kedai-Webhooks/1",
            "Kedai-Event": message.subject,
            "Kedai-Delivery": str(message.pk),
            SIGNATURE_HEADER: signature_header(endpoint.secret, body),
        })


def delivery_list(*, limit: int = 50) -> list[Message]:
    """The latest webhook deliveries with their attempts, newest first."""
    return list(Message.objects.filter(kind=WEBHOOK_KIND)
                .prefetch_related(Prefetch("delivery_attempts",
                                           DeliveryAttempt.objects.order_by("started_at")))
                .order_by("-created_at", "-id")[:limit])


def delivery_resend(*, message_id: int) -> Message:
    """Send a webhook delivery again (a failed one is re-queued, a sent one
    copied); the same event id, a fresh signature."""
    message = Message.objects.get(pk=message_id, kind=WEBHOOK_KIND)
    return message_resend(message=message)


# --- the events, called from the domain (see the module docstring) ------------

_STATUS_EVENTS = {"paid": WebhookEvent.ORDER_PAID,
                  "cancelled": WebhookEvent.ORDER_CANCELLED,
                  "shipped": WebhookEvent.ORDER_FULFILLED}


def _order_data(order) -> dict[str, Any]:
    return {"number": order.number, "status": order.status,
            "total": {"amount": str(order.total), "currency": order.currency},
            "payment_method": order.payment_method}


def order_placed(order) -> None:
    """From checkout's placing transaction: ``order.placed``; and
    ``stock.low`` for each variant the order took to the threshold."""
    wanted: set[str] = set()
    for events in WebhookEndpoint.objects.filter(is_active=True).values_list(
            "events", flat=True):
        wanted.update(events)
    if WebhookEvent.ORDER_PLACED in wanted:
        webhook_event(event=WebhookEvent.ORDER_PLACED, data=_order_data(order),
                      reference=order.number)
    if WebhookEvent.STOCK_LOW not in wanted:
        return  # the order's lines are not read for nobody
    default = settings.KEDAI_LOW_STOCK_THRESHOLD
    # The lines' variants are read after the decrement, in the same
    # transaction: stock is what this order left. Each variant's own
    # threshold (kedai.reports' StockAlert) wins over the shop's.
    for line in order.lines.select_related("variant", "variant__stock_alert"):
        variant = line.variant
        if variant is None:
            continue
        threshold = _variant_threshold(variant, default)
        if variant.stock <= threshold < variant.stock + line.quantity:
            webhook_event(event=WebhookEvent.STOCK_LOW, reference=variant.sku,
                          data={"sku": variant.sku, "stock": variant.stock,
                                "threshold": threshold})


def _variant_threshold(variant, default: int) -> int:
    try:
        return int(variant.stock_alert.threshold)
    except ObjectDoesNotExist:  # no StockAlert row: the shop-wide number
        return default


def order_status_changed(order, status: str) -> None:
    """From ``order_change_status``: paid, cancelled, fulfilled (shipped)."""
    event = _STATUS_EVENTS.get(str(status))
    if event is not None:
        webhook_event(event=event, data={**_order_data(order), "status": status},
                      reference=order.number)


def order_refunded(order, *, amount, reason: str) -> None:
    """From a completed refund (partial or full)."""
    webhook_event(event=WebhookEvent.ORDER_REFUNDED, reference=order.number, data={
        **_order_data(order),
        "refund": {"amount": str(amount.amount), "currency": amount.currency},
        "reason": reason})


def products_changed(product_ids: list[int]) -> None:
    """From ``product_refresh``: the products whose price, stock, images or
    details changed (one event per 500)."""
    for start in range(0, len(product_ids), 500):
        chunk = sorted(product_ids[start:start + 500])
        webhook_event(event=WebhookEvent.PRODUCT_CHANGED,
                      data={"product_ids": chunk})
