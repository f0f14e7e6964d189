"""Row locks for payments, always taken in one order: order, then payment.

Callers must be inside ``transaction.atomic``; a lock outside one locks
nothing (spree#10697).
"""

from django.db.models import QuerySet

from kedai.orders.models import Order
from kedai.payments.models import Payment


def order_qs_select_for_update() -> QuerySet[Order]:
    return Order.objects.select_for_update()


def payment_qs_select_for_update() -> QuerySet[Payment]:
    return Payment.objects.select_for_update()
