"""Issue the documents of an order's events (kedai.orders.events).

Each subscriber runs inside the publisher's transaction and calls the
matching entry point of :mod:`kedai.invoicing.services`, so the document
and its outbox messages commit together with the event or not at all.
"""

from __future__ import annotations

from kedai.core.events import subscribe
from kedai.invoicing import services
from kedai.orders.events import (
    OrderCancelled,
    OrderPaid,
    OrderPlaced,
    OrderRefunded,
    OrderShipped,
)


def on_order_placed(event: OrderPlaced) -> None:
    services.order_placed(event.order)


def on_order_paid(event: OrderPaid) -> None:
    services.payment_captured(event.order, amount=event.amount,
                              method_label=event.method_label,
                              reference=event.reference)


def on_order_cancelled(event: OrderCancelled) -> None:
    services.order_cancelled(event.order, reason=event.reason)


def on_order_refunded(event: OrderRefunded) -> None:
    services.order_refunded(event.order, amount=event.amount, reason=event.reason)


def on_order_shipped(event: OrderShipped) -> None:
    services.order_shipped(event.order, shipments=list(event.shipments))


def register() -> None:
    """Subscribe to the order events (called from ``AppConfig.ready``)."""
    subscribe(OrderPlaced, on_order_placed)
    subscribe(OrderPaid, on_order_paid)
    subscribe(OrderCancelled, on_order_cancelled)
    subscribe(OrderRefunded, on_order_refunded)
    subscribe(OrderShipped, on_order_shipped)
