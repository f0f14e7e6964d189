"""The checkout steps of the storefront's checkout pages: a checkout started
from a cart, the shopper's details, delivery and payment chosen, the price
and the summary shown for acceptance, then the order placed (the one
transaction itself is in :mod:`kedai.checkout.placing`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kedai.cart.models import Cart, CartLine
from kedai.checkout.exceptions import CheckoutError
from kedai.checkout.models import Checkout
from kedai.checkout.placing import (
    CheckoutDetails,
    PlacedOrder,
    checkout_complete,
    pricing_line,
)
from kedai.checkout.pricing import PricedOrder, price_order
from kedai.core.money import Money, line_total
from kedai.core.tokens import is_well_formed, new_token, token_hash
from kedai.customers.addressing import PostalAddress
from kedai.customers.models import Customer
from kedai.orders.tokens import order_token
from kedai.payments.registry import PaymentMethodInfo as PaymentMethod
from kedai.payments.registry import payment_methods as registry_payment_methods
from kedai.promotions import services as promotions
from kedai.shipping.parcels import parcel_from_lines
from kedai.shipping.quotes import ShippingQuote, shipping_quote_for, shipping_quotes


def _shipping_args(checkout: Checkout) -> dict:
    """What shipping is priced on: the cart's parcel, the shipping address
    and the goods subtotal (for "free above" methods)."""
    address = checkout.shipping or {}
    return _cart_shipping_args(checkout.cart, postcode=address.get("postcode", ""),
                               state_code=address.get("state_code", ""))


def _cart_shipping_args(cart: Cart, *, postcode: str, state_code: str) -> dict:
    lines = list(CartLine.objects.filter(cart=cart).select_related("variant"))
    subtotal = sum((Money(line_total(line.variant.price, line.quantity,
                                     cart.currency), cart.currency)
                    for line in lines), Money.zero(cart.currency))
    return {"parcel": parcel_from_lines([(line.variant, line.quantity)
                                         for line in lines]),
            "postcode": postcode, "state_code": state_code, "subtotal": subtotal}


def cart_shipping_quotes(*, cart: Cart, postcode: str,
                         state_code: str) -> list[ShippingQuote]:
    """Every shipping option for ``cart`` to an address (before checkout),
    priced exactly as checkout will price it; see :func:`shipping_methods`."""
    return shipping_quotes(**_cart_shipping_args(cart, postcode=postcode,
                                                  state_code=state_code))


def shipping_methods(*, checkout: Checkout) -> list[ShippingQuote]:
    """Every shipping option for the checkout's cart and address, priced;
    those not offered have ``available=False`` and the reason."""
    return shipping_quotes(**_shipping_args(checkout))


def payment_methods() -> list[PaymentMethod]:
    """The payment methods the store offers (KEDAI_PAYMENT_METHODS order)."""
    return registry_payment_methods()


def _shipping_method(checkout: Checkout) -> ShippingQuote | None:
    if not checkout.shipping_method:
        return None
    return shipping_quote_for(checkout.shipping_method, **_shipping_args(checkout))


def checkout_shipping_quote(*, checkout: Checkout) -> ShippingQuote | None:
    """The current quote of the checkout's chosen shipping method, if still
    offered."""
    return _shipping_method(checkout)


def _payment_method(checkout: Checkout) -> PaymentMethod | None:
    return next((m for m in payment_methods()
                 if m.code == checkout.payment_method), None)


def checkout_start(*, cart: Cart) -> tuple[Checkout, str]:
    """Start a checkout of an open, non-empty cart; return it and its token.

    The token is new (not the cart's): a cart link shared or planted
    earlier never shows the details entered at checkout.
    """
    if cart.status != Cart.Status.OPEN:
        raise CheckoutError(_("This cart has already been checked out."),
                            code="closed")
    if not CartLine.objects.filter(cart=cart).exists():
        raise CheckoutError(_("Your cart is empty."), code="empty")
    token = new_token()
    checkout = Checkout.objects.create(cart=cart, token_hash=token_hash(token))
    return checkout, token


def checkout_get(*, token: str) -> Checkout | None:
    """The checkout of ``token``, or None for an unknown or malformed one."""
    if not is_well_formed(token):
        return None
    return (Checkout.objects.select_related("cart", "customer")
            .filter(token_hash=token_hash(token)).first())


def checkout_set_details(*, checkout: Checkout, email: str, name: str, phone: str,
                         shipping: PostalAddress, billing: PostalAddress,
                         marketing_consent: bool = False,
                         buyer_einvoice: dict | None = None) -> None:
    """Save validated contact details and addresses.

    A signed-in checkout keeps its customer's email whatever was posted.
    """
    _ensure_open(checkout)
    if checkout.customer is not None:
        email = checkout.customer.email
    if checkout.shipping != asdict(shipping):
        checkout.shipping_method = ""  # priced for the old address: choose again
    checkout.email, checkout.name, checkout.phone = email, name, phone
    checkout.shipping, checkout.billing = asdict(shipping), asdict(billing)
    checkout.marketing_consent = marketing_consent
    checkout.buyer_einvoice = buyer_einvoice or {}
    checkout.save(update_fields=["email", "name", "phone", "shipping", "billing",
                                 "marketing_consent", "buyer_einvoice",
                                 "shipping_method", "updated_at"])


def checkout_sign_in(*, checkout: Checkout, customer: Customer) -> str:
    """Attach a returning customer to the checkout; return its new token.

    The checkout now shows the customer's saved addresses, so it gets a
    new token (like a session rotated on sign-in): a checkout link copied
    before the sign-in no longer opens it.
    """
    _ensure_open(checkout)
    token = new_token()
    Checkout.objects.filter(pk=checkout.pk).update(
        customer=customer, token_hash=token_hash(token), email=customer.email,
        updated_at=timezone.now())
    checkout.customer, checkout.token_hash, checkout.email = (
        customer, token_hash(token), customer.email)
    return token


def checkout_purge_stale(*, now=None) -> int:
    """Delete unfinished checkouts idle for KEDAI_CHECKOUT_TTL_DAYS.

    They hold a shopper's contact details and addresses; the cart itself is
    kept (it has its own expiry). Returns how many were deleted.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.KEDAI_CHECKOUT_TTL_DAYS)
    deleted, _per_model = Checkout.objects.filter(
        status=Checkout.Status.OPEN, updated_at__lt=cutoff).delete()
    return deleted


def checkout_set_delivery(*, checkout: Checkout, shipping_method: str,
                          payment_method: str) -> None:
    """Save the chosen shipping and payment method codes (must be offered)."""
    _ensure_open(checkout)
    if shipping_quote_for(shipping_method, **_shipping_args(checkout)) is None:
        raise CheckoutError(_("Choose one of the shipping methods."),
                            code="shipping_method")
    if payment_method not in {m.code for m in payment_methods()}:
        raise CheckoutError(_("Choose one of the payment methods."),
                            code="payment_method")
    checkout.shipping_method, checkout.payment_method = shipping_method, payment_method
    checkout.save(update_fields=["shipping_method", "payment_method", "updated_at"])


def checkout_price(*, checkout: Checkout) -> PricedOrder:
    """Price the checkout's cart as it is now, from the database.

    Raises CheckoutError for an empty cart or a delivery choice that is no
    longer offered.
    """
    cart = checkout.cart
    lines = list(CartLine.objects.filter(cart=cart)
                 .select_related("variant__product__tax_class")
                 .order_by("variant_id"))
    if not lines:
        raise CheckoutError(_("Your cart is empty."), code="empty")
    shipping, payment = _methods(checkout)
    promos = promotions.promotions_for_lines(
        cart=cart, lines=promotions.item_lines(lines, cart.currency),
        currency=cart.currency,
        state_code=(checkout.shipping or {}).get("state_code", ""),
        customer=checkout.customer, email=checkout.email)
    return price_order(
        lines=[pricing_line(line, cart.currency) for line in lines],
        shipping=shipping.charge,
        prices_include_tax=settings.KEDAI_PRICES_INCLUDE_TAX,
        cash_rounding=payment.cash,
        currency=cart.currency,
        discounts=promos.discounts,
    )


@dataclass(frozen=True)
class CheckoutSummary:
    """What the order summary beside every checkout step shows.

    ``priced`` includes shipping only when ``shipping`` (the chosen
    method's quote) is set; before that the total is the goods alone and
    ``shipping`` is None ("worked out at the next step").
    """

    priced: PricedOrder
    shipping: ShippingQuote | None


def checkout_summary(*, checkout: Checkout,
                     shipping_method: str = "") -> CheckoutSummary | None:
    """Price the checkout as far as it is chosen: the goods, then shipping
    and cash rounding once they are chosen. None for an empty cart. Reads
    only; a choice no longer offered is simply left out.

    ``shipping_method`` prices a method not saved yet (the one the
    delivery step preselects)."""
    cart = checkout.cart
    lines = list(CartLine.objects.filter(cart=cart)
                 .select_related("variant__product__tax_class")
                 .order_by("variant_id"))
    if not lines:
        return None
    shipping = None
    if checkout.shipping and (shipping_method or checkout.shipping_method):
        shipping = shipping_quote_for(shipping_method or checkout.shipping_method,
                                      **_shipping_args(checkout))
    payment = _payment_method(checkout)
    priced = price_order(
        lines=[pricing_line(line, cart.currency) for line in lines],
        shipping=shipping.charge if shipping else Money.zero(cart.currency),
        prices_include_tax=settings.KEDAI_PRICES_INCLUDE_TAX,
        cash_rounding=bool(shipping and payment and payment.cash),
        currency=cart.currency,
    )
    return CheckoutSummary(priced, shipping)


def checkout_place(*, checkout: Checkout,
                   accepted_total: Money | None = None) -> PlacedOrder:
    """Place the order of a checkout whose terms were accepted.

    Idempotent: the checkout's token hash is the ``checkout_key``, so a
    second call returns the same order. Raises CheckoutError (nothing
    changed) like :func:`checkout_complete`.
    """
    if checkout.status == Checkout.Status.COMPLETED and checkout.order is not None:
        return PlacedOrder(checkout.order, order_token(checkout.token_hash))
    if not (checkout.has_details and checkout.has_delivery):
        raise CheckoutError(_("Some checkout details are missing."),
                            code="incomplete")
    shipping, payment = _methods(checkout)
    details = CheckoutDetails(
        email=checkout.email, name=checkout.name, phone=checkout.phone,
        billing=PostalAddress(**checkout.billing),
        shipping=PostalAddress(**checkout.shipping),
        shipping_method=str(shipping.label), shipping_charge=shipping.charge,
        shipping_quote=shipping.as_snapshot(),
        payment_method=payment.code, cash_payment=payment.cash,
        customer=checkout.customer, marketing_consent=checkout.marketing_consent,
        buyer_einvoice=checkout.buyer_einvoice,
    )
    placed = checkout_complete(cart=checkout.cart, details=details,
                               checkout_key=checkout.token_hash,
                               accepted_total=accepted_total)
    now = timezone.now()
    Checkout.objects.filter(pk=checkout.pk).update(
        status=Checkout.Status.COMPLETED, order=placed.order, accepted_at=now,
        updated_at=now)
    checkout.status, checkout.order, checkout.accepted_at = (
        Checkout.Status.COMPLETED, placed.order, now)
    return placed


def checkout_order_token(checkout: Checkout) -> str:
    """The order page token of a (completed) checkout."""
    return order_token(checkout.token_hash)


def _methods(checkout: Checkout) -> tuple[ShippingQuote, PaymentMethod]:
    shipping, payment = _shipping_method(checkout), _payment_method(checkout)
    if shipping is None or payment is None:
        raise CheckoutError(_("Choose the delivery and payment again."),
                            code="delivery")
    return shipping, payment


def _ensure_open(checkout: Checkout) -> None:
    if checkout.status != Checkout.Status.OPEN:
        raise CheckoutError(_("This checkout is already completed."),
                            code="completed")
