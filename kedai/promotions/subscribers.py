"""How promotions hear of orders: domain events (ARCHITECTURE.md §1).

``orders`` sits below this app and cannot call it, so a cancelled order
(by the owner, or unpaid past its hold) gives its voucher uses back by
event, inside the transaction that cancelled it. A refunded order keeps
its uses unless ``KEDAI_VOUCHER_REFUND_KEEPS_USE`` is false.
"""

from __future__ import annotations

from django.conf import settings

from kedai.core.events import subscribe
from kedai.orders.events import OrderCancelled, OrderStatusChanged
from kedai.orders.models import OrderStatus
from kedai.promotions.services import discount_uses_release


def on_order_cancelled(event: OrderCancelled) -> None:
    discount_uses_release(order=event.order)


def on_order_status_changed(event: OrderStatusChanged) -> None:
    if (event.status_to == OrderStatus.REFUNDED
            and not settings.KEDAI_VOUCHER_REFUND_KEEPS_USE):
        discount_uses_release(order=event.order)


def register() -> None:
    subscribe(OrderCancelled, on_order_cancelled)
    subscribe(OrderStatusChanged, on_order_status_changed)
