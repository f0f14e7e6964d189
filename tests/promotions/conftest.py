"""Shared helpers of the promotions tests."""

from decimal import Decimal

from kedai.cart import services as cart_services
from kedai.checkout.placing import CheckoutDetails
from kedai.core.money import Money
from kedai.customers.addressing import address_clean
from kedai.promotions.models import Voucher

KL = {"name": "Siti Aminah", "line1": "12 Jalan Ampang", "city": "Kuala Lumpur",
      "postcode": "50450", "state_code": "KUL", "phone": "012-345 6789"}
KK = {"name": "Aisyah", "line1": "3 Jalan Gaya", "city": "Kota Kinabalu",
      "postcode": "88000", "state_code": "SBH", "phone": "012-345 6789"}


def details(address=None, **overrides) -> CheckoutDetails:
    addr = address_clean(**(address or KL))
    fields = {"email": "siti@example.my", "name": "Siti Aminah",
              "phone": "+60123456789", "billing": addr, "shipping": addr,
              "shipping_method": "Flat rate", "shipping_charge": Money("8.00"),
              "payment_method": "bank_transfer"}
    return CheckoutDetails(**{**fields, **overrides})


def cart_with(*items):
    cart, _ = cart_services.cart_create()
    for variant, quantity in items:
        cart_services.cart_add_line(cart=cart, variant_id=variant.pk,
                                    quantity=quantity)
    return cart


def voucher(code="RAYA10", **fields) -> Voucher:
    defaults = {"kind": "percent", "value": Decimal("10")}
    return Voucher.objects.create(code=code, **{**defaults, **fields})


# The storefront's small catalogue and a cart made through the pages.
from tests.storefront.conftest import cart_token, shop  # noqa: E402, F401
