"""Placing an order: one transaction from cart to order (ARCHITECTURE §5)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kedai.cart.lock_objects import cart_qs_select_for_update
from kedai.cart.models import Cart, CartLine
from kedai.cart.tokens import token_hash
from kedai.catalog.models import Variant
from kedai.catalog.services import product_refresh
from kedai.checkout.exceptions import CheckoutError, OutOfStock
from kedai.checkout.pricing import PricingLine, price_order
from kedai.core.money import Money
from kedai.core.numbering import number_allocate
from kedai.customers.addressing import PostalAddress
from kedai.customers.services import customer_get_or_create
from kedai.orders.models import Order, OrderEvent, OrderLine, OrderStatus

ORDER_SERIES = "KD"


@dataclass(frozen=True)
class CheckoutDetails:
    """Everything the shopper chose at checkout, already validated."""

    email: str
    name: str
    phone: str
    billing: PostalAddress
    shipping: PostalAddress
    shipping_method: str
    shipping_charge: Money
    payment_method: str
    cash_payment: bool = False  # 5-sen rounding applies (cash on delivery)


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    token: str  # for the order page URL; derived, so a retry gets it again


def order_token(checkout_key: str) -> str:
    """The order page token of a checkout: secret, and the same on retries.

    An HMAC of the checkout's idempotency key, so a double-click or a
    replayed POST lands on the same order page without storing the token.
    """
    digest = hmac.new(settings.SECRET_KEY.encode(), f"order:{checkout_key}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:32]


def checkout_complete(*, cart: Cart, details: CheckoutDetails,
                      checkout_key: str) -> PlacedOrder:
    """Turn ``cart`` into an order, or change nothing and raise CheckoutError.

    One transaction: prices come from the database (never from a form),
    stock is decremented with a conditional UPDATE so it can never go
    negative (OutOfStock names the item), prices and tax are snapshotted
    on the lines, the order gets a gap-free number and its first tracking
    event, and the cart is closed. Placing the same ``checkout_key`` again
    returns the order already placed. Does not take payment.
    """
    token = order_token(checkout_key)
    existing = Order.objects.filter(checkout_key=checkout_key).first()
    if existing is not None:
        return PlacedOrder(existing, token)
    try:
        order = _place(cart=cart, details=details, checkout_key=checkout_key,
                       token=token)
    except IntegrityError:
        # The same checkout was placed concurrently and won the race.
        winner = Order.objects.filter(checkout_key=checkout_key).first()
        if winner is None:
            raise
        order = winner
    return PlacedOrder(order, token)


@transaction.atomic(durable=True)
def _place(*, cart: Cart, details: CheckoutDetails, checkout_key: str,
           token: str) -> Order:
    cart = cart_qs_select_for_update().get(pk=cart.pk)
    if cart.status != Cart.Status.OPEN:
        raise CheckoutError(_("This cart has already been checked out."),
                            code="closed")
    lines = list(CartLine.objects.filter(cart=cart)
                 .select_related("variant__product__tax_class")
                 .order_by("variant_id"))  # one lock order for every buyer
    if not lines:
        raise CheckoutError(_("Your cart is empty."), code="empty")
    for line in lines:
        variant = line.variant
        if not (variant.is_active and variant.product.is_active):
            raise CheckoutError(
                _("%(name)s is no longer available.") % {"name": variant.product.name},
                code="unavailable")
        taken = Variant.objects.filter(pk=variant.pk, stock__gte=line.quantity).update(
            stock=F("stock") - line.quantity)
        if not taken:
            raise OutOfStock(
                _("Sorry, %(name)s sold out before you checked out.")
                % {"name": variant.product.name}, code="out_of_stock")

    currency = cart.currency
    priced = price_order(
        lines=[_pricing_line(line, currency) for line in lines],
        shipping=details.shipping_charge,
        prices_include_tax=settings.KEDAI_PRICES_INCLUDE_TAX,
        cash_rounding=details.cash_payment,
        currency=currency,
    )
    customer = customer_get_or_create(email=details.email, name=details.name,
                                      phone=details.phone)
    now = timezone.now()
    order = Order.objects.create(
        number=number_allocate(series=ORDER_SERIES, year=timezone.localdate(now).year),
        token_hash=token_hash(token), checkout_key=checkout_key, customer=customer,
        email=customer.email, phone=details.phone,
        billing_address=asdict(details.billing),
        shipping_address=asdict(details.shipping),
        currency=currency, prices_include_tax=settings.KEDAI_PRICES_INCLUDE_TAX,
        subtotal=priced.subtotal.amount, tax_total=priced.tax_total.amount,
        shipping_method=details.shipping_method,
        shipping_total=priced.shipping_gross.amount,
        rounding=priced.rounding.amount, total=priced.total.amount,
        payment_method=details.payment_method,
        reserved_until=now + timedelta(hours=settings.KEDAI_UNPAID_HOLD_HOURS),
    )
    OrderLine.objects.bulk_create([
        OrderLine(
            order=order, variant=line.variant, sku=line.variant.sku,
            name=line.variant.product.name, variant_label=line.variant.label,
            quantity=line.quantity, unit_price=p.unit_price.amount,
            line_net=p.net_total.amount, line_tax=p.tax.amount,
            line_total=p.gross_total.amount, tax_kind=p.tax_kind,
            tax_rate=p.tax_rate,
        )
        for line, p in zip(lines, priced.lines, strict=True)
    ])
    OrderEvent.objects.create(order=order, status_to=OrderStatus.AWAITING_PAYMENT,
                              actor=f"customer {customer.number}")
    Cart.objects.filter(pk=cart.pk).update(status=Cart.Status.CHECKED_OUT)
    product_refresh(product_ids={line.variant.product_id for line in lines})
    return order


def _pricing_line(line: CartLine, currency: str) -> PricingLine:
    variant = line.variant
    tax_class = variant.product.tax_class
    return PricingLine(
        sku=variant.sku, name=variant.product.name, quantity=line.quantity,
        unit_price=Money(variant.price, currency),
        tax_kind=tax_class.kind if tax_class else "none",
        tax_rate=tax_class.rate if tax_class else Decimal(0),
    )
