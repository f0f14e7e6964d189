"""Row locks for carts, taken in the global order cart → order → payment."""

from django.db.models import QuerySet

from kedai.cart.models import Cart


def cart_qs_select_for_update() -> QuerySet[Cart]:
    """Carts locked for the rest of the transaction.

    On SQLite ``select_for_update`` is a no-op; there the IMMEDIATE
    transaction mode (settings) serialises writers instead.
    """
    return Cart.objects.select_for_update(of=("self",))
