"""A stock edit racing a sale, in real threads: the sale is never lost."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from kedai.catalog.editing import CatalogError, StockPrice, variants_stock_price_set
from kedai.catalog.models import Variant
from kedai.checkout.placing import checkout_complete
from tests.checkout.test_services import cart_with, details
from tests.factories import flat_shipping, make_product


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_a_stock_edit_racing_a_sale_never_loses_the_sale(attempt):
    flat_shipping()
    variant = make_product(variants=[{"price": "10.00", "stock": 10}]) \
        .variants.get()
    cart = cart_with((variant, 1))
    start = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def sell():
        try:
            start.wait()
            outcome["order"] = checkout_complete(
                cart=cart, details=details(), checkout_key=f"race-{attempt}").order
        finally:
            connection.close()

    def edit():
        try:
            start.wait()
            # The owner saw 10 in stock and types 20 (a delivery arrived).
            variants_stock_price_set(rows=[StockPrice(
                variant_id=variant.pk, price=Decimal("10.00"), stock=20,
                stock_seen=10)])
            outcome["edit"] = "saved"
        except CatalogError:
            outcome["edit"] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=sell), threading.Thread(target=edit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert "order" in outcome
    stock = Variant.objects.get(pk=variant.pk).stock
    # Either the edit came first and the sale took one of the 20, or the
    # sale came first and the edit, based on a stale 10, was refused.
    expected = 19 if outcome["edit"] == "saved" else 9
    assert stock == expected, outcome
