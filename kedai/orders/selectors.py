"""Order reads for the shopper's order page and the lookup form."""

from django.db.models import Prefetch

from kedai.core.tokens import is_well_formed, token_hash
from kedai.orders.models import Order, OrderEvent, OrderLine


def order_get_by_token(*, token: str) -> Order | None:
    """The order whose page token is ``token``, with lines and history."""
    if not is_well_formed(token):
        return None
    return (Order.objects.filter(token_hash=token_hash(token))
            .select_related("customer")
            .prefetch_related(Prefetch("lines", OrderLine.objects.all()),
                              Prefetch("events", OrderEvent.objects.all()))
            .first())


def order_find(*, number: str, email: str) -> Order | None:
    """The order with this number placed with this email (any case)."""
    return (Order.objects.filter(number=number.strip().upper(),
                                 email__iexact=email.strip())
            .first())
