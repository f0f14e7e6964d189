"""Payment reads for the order page and the back office."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from kedai.core.money import Money
from kedai.orders.models import Order, OrderStatus
from kedai.payments.gateways.offline import bank_transfer_instructions
from kedai.payments.models import Payment, PaymentStatus
from kedai.payments.registry import OFFLINE_METHODS, online_methods

_PAID_ORDER = (OrderStatus.PAID, OrderStatus.PROCESSING, OrderStatus.SHIPPED,
               OrderStatus.DELIVERED)


def payment_list_for_order(*, order: Order) -> QuerySet[Payment]:
    """The order's payment attempts, newest first, with their refunds."""
    return (Payment.objects.filter(order=order).select_related("duplicate_of")
            .prefetch_related("refunds"))


# How many flagged payments a dashboard lists (the rest are on the orders).
FLAGGED_SHOWN = 20


def payment_flagged_list() -> QuerySet[Payment]:
    """Payments that need the owner: captured money the order did not keep
    (a duplicate, paid after closing) or an amount the gateway disputes."""
    return (Payment.objects.exclude(flag="").select_related("order")
            .order_by("-updated_at", "-id"))


def bank_transfer_details(order: Order) -> dict[str, str]:
    """The shop's account and the reference to use (KEDAI_BANK_TRANSFER)."""
    return bank_transfer_instructions(amount=Money(order.total, order.currency),
                                      reference=order.number)


def payment_context(order: Order, order_token: str) -> dict[str, Any]:
    """What ``payments/order_payment.html`` needs to show for ``order``.

    ``state`` is one of: "paid", "pending" (sent to a gateway, no answer
    yet), "failed" (last attempt declined or cancelled: pay again),
    "unpaid" (no attempt yet), "bank_transfer", "cod", "closed".
    """
    payments = list(payment_list_for_order(order=order))
    latest = next((p for p in payments if p.gateway not in OFFLINE_METHODS), None)
    awaiting = order.status == OrderStatus.AWAITING_PAYMENT
    pay_methods = online_methods() if awaiting else []
    if order.status in _PAID_ORDER or any(p.pays_order for p in payments):
        state = "paid"
    elif not awaiting:
        state = "closed"
    elif order.payment_method in OFFLINE_METHODS and latest is None:
        state = order.payment_method
    elif latest is None:
        state = "unpaid"
    elif latest.status in (PaymentStatus.PENDING, PaymentStatus.AUTHORISED):
        state = "pending"
    else:
        state = "failed"
    return {
        "order": order,
        "payment_state": state,
        "payments": payments,
        "latest_payment": latest,
        "amount_due": Money(order.total, order.currency),
        "pay_methods": pay_methods,
        "default_method": order.payment_method,
        # The method chosen at checkout, if it is still offered online: the
        # order page does not ask again (only after a failed attempt).
        "chosen_method": next((m for m in pay_methods
                               if m.code == order.payment_method),
                              pay_methods[0] if pay_methods else None),
        "start_url": reverse("payments:start", kwargs={"token": order_token}),
        "bank": bank_transfer_details(order) if state == "bank_transfer" else {},
        "bank_reference": order.number,
    }
