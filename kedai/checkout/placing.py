"""Placing an order: one transaction from cart to order (ARCHITECTURE §5)."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kedai.cart.lock_objects import cart_qs_select_for_update
from kedai.cart.models import Cart, CartLine
from kedai.catalog.models import Variant
from kedai.catalog.services import product_refresh
from kedai.checkout.exceptions import CheckoutError, OutOfStock, TotalChanged
from kedai.checkout.pricing import PricingLine, price_order
from kedai.core.events import publish
from kedai.core.money import Money
from kedai.core.numbering import number_allocate
from kedai.core.sqlite_writer import sqlite_writer
from kedai.core.tokens import token_hash
from kedai.customers.addressing import PostalAddress
from kedai.customers.models import Customer
from kedai.customers.services import (
    customer_find,
    customer_get_or_create,
    customer_remember_address,
    customer_set_marketing_consent,
)
from kedai.orders.events import OrderPlaced
from kedai.orders.models import (
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    order_language_normalise,
)
from kedai.orders.tokens import order_token
from kedai.promotions import services as promotions
from kedai.promotions.exceptions import VoucherError

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
    customer: Customer | None = None  # signed in; else found or made by email
    marketing_consent: bool = False
    buyer_einvoice: dict | None = None  # BuyerTaxIdentity.as_dict()
    shipping_quote: dict = field(default_factory=dict)  # ShippingQuote.as_snapshot()


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    token: str  # for the order page URL; derived, so a retry gets it again


def checkout_complete(*, cart: Cart, details: CheckoutDetails,
                      checkout_key: str,
                      accepted_total: Money | None = None) -> PlacedOrder:
    """Turn ``cart`` into an order, or change nothing and raise CheckoutError.

    One transaction: prices come from the database (never from a form),
    stock is decremented with a conditional UPDATE so it can never go
    negative (OutOfStock names the item), prices and tax are snapshotted
    on the lines, the order gets a gap-free number and its first tracking
    event, and the cart is closed. Placing the same ``checkout_key`` again
    returns the order already placed. With ``accepted_total`` (what the
    review page showed), a different total raises TotalChanged inside the
    transaction, so a price changed at the last moment is never charged
    unseen. Does not take payment.
    """
    token = order_token(checkout_key)
    existing = Order.objects.filter(checkout_key=checkout_key).first()
    if existing is not None:
        return PlacedOrder(existing, token)
    try:
        # On SQLite the transaction takes its turn among the writers first
        # (core.sqlite_writer), as adding to a cart does.
        with sqlite_writer():
            order = _place(cart=cart, details=details, checkout_key=checkout_key,
                           token=token, accepted_total=accepted_total)
    except IntegrityError:
        # The same checkout was placed concurrently and won the race.
        winner = Order.objects.filter(checkout_key=checkout_key).first()
        if winner is None:
            raise
        order = winner
    return PlacedOrder(order, token)


@transaction.atomic(durable=True)
def _place(*, cart: Cart, details: CheckoutDetails, checkout_key: str,
           token: str, accepted_total: Money | None) -> Order:
    cart = cart_qs_select_for_update().get(pk=cart.pk)
    # A double-clicked "Place order": the other request held the cart lock
    # and placed this very checkout while we waited. Under the lock its
    # order is visible (committed), so hand it back instead of refusing
    # the now closed cart.
    placed = Order.objects.filter(checkout_key=checkout_key).first()
    if placed is not None:
        return placed
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
    try:
        # Codes are checked again and counted here, in the order's
        # transaction (a conditional UPDATE per code): never read-then-write.
        promos = promotions.promotions_for_lines(
            cart=cart, lines=promotions.item_lines(lines, currency),
            currency=currency, state_code=details.shipping.state_code,
            customer=details.customer, email=details.email, strict=True)
        promotions.vouchers_claim(promotions=promos)
    except VoucherError as exc:
        raise CheckoutError(exc.message, code=exc.code) from None
    priced = price_order(
        lines=[pricing_line(line, currency) for line in lines],
        shipping=details.shipping_charge,
        prices_include_tax=settings.KEDAI_PRICES_INCLUDE_TAX,
        cash_rounding=details.cash_payment,
        currency=currency,
        discounts=promos.discounts,
    )
    if accepted_total is not None and priced.total != accepted_total:
        raise TotalChanged(
            _("Prices or stock changed; please check and confirm again."),
            code="total_changed")
    # Anyone may place a guest order with any email, so a guest order never
    # writes into an existing customer's address book (it would evict her
    # own addresses and be pre-selected at her next signed-in checkout);
    # only a customer this order creates starts her book with it.
    guest_is_new = (details.customer is None
                    and customer_find(identifier=details.email) is None)
    customer = details.customer or customer_get_or_create(
        email=details.email, name=details.name, phone=details.phone)
    if details.marketing_consent and not customer.marketing_consent:
        customer_set_marketing_consent(customer=customer, consent=True)
    if details.customer is not None or guest_is_new:
        for address in dict.fromkeys((details.shipping, details.billing)):
            customer_remember_address(customer=customer, address=address)
    now = timezone.now()
    order = Order.objects.create(
        # The real number is taken last (below): its counter row stays
        # locked until commit, and every buyer waits on it.
        number=f"~{secrets.token_hex(11)}",
        token_hash=token_hash(token), checkout_key=checkout_key, customer=customer,
        email=customer.email, phone=details.phone,
        billing_address=asdict(details.billing),
        shipping_address=asdict(details.shipping),
        currency=currency, prices_include_tax=settings.KEDAI_PRICES_INCLUDE_TAX,
        subtotal=priced.subtotal.amount, tax_total=priced.tax_total.amount,
        shipping_method=details.shipping_method,
        shipping_total=priced.shipping_gross.amount,
        rounding=priced.rounding.amount, total=priced.total.amount,
        discount_total=priced.discount_total.amount,
        shipping_discount=priced.shipping_discount.amount,
        payment_method=details.payment_method,
        buyer_einvoice=details.buyer_einvoice or {},
        shipping_quote=details.shipping_quote,
        # The shopper's language (the storefront's /ms/ prefix): the
        # order's mails and documents are written in it.
        language=order_language_normalise(translation.get_language()),
        reserved_until=now + timedelta(hours=settings.KEDAI_UNPAID_HOLD_HOURS),
    )
    OrderLine.objects.bulk_create([
        OrderLine(
            order=order, variant=line.variant, sku=line.variant.sku,
            name=line.variant.product.name, variant_label=line.variant.label,
            quantity=line.quantity, unit_price=p.unit_price.amount,
            line_net=p.net_total.amount, line_tax=p.tax.amount,
            line_total=p.gross_total.amount, tax_kind=p.tax_kind,
            tax_rate=p.tax_rate, discount=p.discount.amount,
        )
        for line, p in zip(lines, priced.lines, strict=True)
    ])
    try:
        promotions.discount_uses_record(order=order, customer=customer,
                                        promotions=promos,
                                        applied=priced.discounts)
    except VoucherError as exc:  # a per-customer limit taken concurrently
        raise CheckoutError(exc.message, code=exc.code) from None
    OrderEvent.objects.create(order=order, status_to=OrderStatus.AWAITING_PAYMENT,
                              actor=f"customer {customer.number}")
    Cart.objects.filter(pk=cart.pk).update(status=Cart.Status.CHECKED_OUT)
    # Listing summaries and the search index are not part of the order:
    # refreshed after commit, outside the order's locks.
    product_ids = {line.variant.product_id for line in lines}
    transaction.on_commit(lambda: product_refresh(product_ids=product_ids))
    # Numbers last: from here to commit every other buyer waits on the
    # counter rows, so only the number UPDATEs and a few INSERTs follow.
    order.number = number_allocate(series=ORDER_SERIES,
                                   year=timezone.localdate(now).year)
    Order.objects.filter(pk=order.pk).update(number=order.number)
    # The invoice and the owner's new-order notice commit with the order;
    # the outbox worker renders and mails them after commit (ARCHITECTURE.md §6).
    publish(OrderPlaced(order=order))
    return order


def pricing_line(line: CartLine, currency: str) -> PricingLine:
    variant = line.variant
    tax_class = variant.product.tax_class
    return PricingLine(
        sku=variant.sku, name=str(variant), quantity=line.quantity,
        unit_price=Money(variant.price, currency),
        tax_kind=tax_class.kind if tax_class else "none",
        tax_rate=tax_class.rate if tax_class else Decimal(0),
    )
