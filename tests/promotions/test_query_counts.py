"""Placing an order with a code costs at most two more queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kedai.checkout.placing import checkout_complete
from kedai.promotions.services import cart_code_apply
from tests.factories import make_product
from tests.promotions.conftest import cart_with, details, voucher


def _queries(cart, key: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        checkout_complete(cart=cart, details=details(), checkout_key=key)
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_a_voucher_adds_at_most_two_queries_to_placing_an_order():
    variants = [make_product(variants=[{"stock": 50}]).variants.get()
                for _ in range(3)]
    voucher("RAYA10", usage_limit=100)
    warm = cart_with(*[(v, 1) for v in variants])
    _queries(warm, "warm")  # numbering rows, customer: made once
    plain = cart_with(*[(v, 1) for v in variants])
    coded = cart_with(*[(v, 1) for v in variants])
    cart_code_apply(cart=coded, code="RAYA10")

    without = _queries(plain, "plain")
    with_code = _queries(coded, "coded")

    # The conditional UPDATE of the code's count and the INSERT of its use.
    assert with_code - without <= 2, (without, with_code)
