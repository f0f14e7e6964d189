"""Storefront API: checkout (sign-in, details, delivery, review, place),
payment start and order status — each reached by its own token, like the
pages.

Validation and rules are the domain's: addresses through
``address_clean``, e-invoice details through ``einvoice_clean``, prices and
placing through kedai.checkout.services, payments through
kedai.payments.services; a returning customer signs in through the same
throttled service as the checkout page (kedai.storefront.signin).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema

from kedai.api.idempotency import idempotent
from kedai.api.money import MoneyOut, money_out
from kedai.api.problems import Problem
from kedai.api.schemas import ERRORS, ProblemOut
from kedai.api.store_cart import QuoteOut, quote_out
from kedai.checkout import services
from kedai.checkout.exceptions import CheckoutError, TotalChanged
from kedai.checkout.models import Checkout
from kedai.core.money import Money
from kedai.customers.addressing import address_clean, normalise_email
from kedai.customers.einvoice import ID_TYPES, einvoice_clean
from kedai.customers.models import Address
from kedai.customers.services import address_as_postal
from kedai.orders import selectors as order_selectors
from kedai.orders.models import Order
from kedai.payments import services as payment_services
from kedai.payments.exceptions import PaymentError
from kedai.payments.selectors import payment_context
from kedai.shipping.selectors import tracking_links
from kedai.storefront.checkout_forms import SignInForm
from kedai.storefront.signin import password_sign_in

router = Router(tags=["storefront: checkout and orders"])


class AddressIn(Schema):
    name: str = Field("", max_length=200)
    line1: str = Field(..., max_length=200)
    line2: str = Field("", max_length=200)
    city: str = Field(..., max_length=100)
    postcode: str = Field(..., max_length=20)
    state: str = Field(..., max_length=3, description="State code, e.g. SGR.")


class EinvoiceIn(Schema):
    tin: str = Field(..., max_length=20, description="LHDN TIN, e.g. C2584563200.")
    id_type: str = Field(..., max_length=10, description=" / ".join(
        code for code, _label in ID_TYPES))
    id_number: str = Field(..., max_length=30)
    sst_number: str = Field("", max_length=20,
                            description="Empty when not SST-registered.")


class DetailsIn(Schema):
    email: str = Field(..., max_length=254,
                       description="Ignored when signed in: the account's email.")
    name: str = Field(..., max_length=200)
    phone: str = Field(..., max_length=40)
    shipping: AddressIn
    billing: AddressIn | None = Field(None, description="Omit: same as shipping.")
    marketing_consent: bool = False
    einvoice: EinvoiceIn | None = Field(
        None, description="The buyer's e-invoice details (MyInvois); omit for "
        "none (the consolidated B2C e-invoice covers the order).")


class EinvoiceOut(Schema):
    tin: str
    id_type: str
    id_number: str
    sst_number: str


class CustomerOut(Schema):
    number: str
    name: str
    email: str


class SignInIn(Schema):
    identifier: str = Field(..., max_length=254,
                            description="Customer ID (C-000123) or email.")
    password: str = Field(..., max_length=128)


class SavedAddressOut(AddressIn):
    id: int


class AddressOut(Schema):
    name: str
    line1: str
    line2: str
    city: str
    postcode: str
    state: str
    phone: str


class CheckoutOut(Schema):
    status: str
    next_step: str
    email: str
    shipping: AddressOut | None
    billing: AddressOut | None
    shipping_method: str
    payment_method: str
    order_token: str | None
    customer: CustomerOut | None = None
    einvoice: EinvoiceOut | None = None


class SignedInOut(Schema):
    checkout_token: str = Field(..., description="The checkout's new token: "
                                "the old one stops working.")
    checkout: CheckoutOut
    saved_addresses: list[SavedAddressOut]


class PaymentMethodOut(Schema):
    code: str
    label: str
    online: bool


class DeliveryOptionsOut(Schema):
    shipping: list[QuoteOut]
    payment: list[PaymentMethodOut]


class DeliveryIn(Schema):
    shipping_method: str = Field(..., max_length=40)
    payment_method: str = Field(..., max_length=40)


class ReviewLineOut(Schema):
    sku: str
    name: str
    quantity: int
    unit_price: MoneyOut
    tax: MoneyOut


class ReviewOut(Schema):
    lines: list[ReviewLineOut]
    subtotal: MoneyOut
    shipping: MoneyOut
    tax_total: MoneyOut
    rounding: MoneyOut
    total: MoneyOut


class PlaceIn(Schema):
    expected_total: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2,
                                    description="The review's total.amount.")


class OrderLineOut(Schema):
    sku: str
    name: str
    variant_label: str
    quantity: int
    unit_price: MoneyOut
    line_total: MoneyOut


class OrderStatusOut(Schema):
    number: str
    status: str
    payment_state: str
    created_at: str
    lines: list[OrderLineOut]
    subtotal: MoneyOut
    shipping: MoneyOut
    tax_total: MoneyOut
    total: MoneyOut
    tracking: list[str]


class PlacedOut(Schema):
    order_token: str
    order: OrderStatusOut


class PaymentIn(Schema):
    method: str = Field("", max_length=40,
                        description="Omit: the method chosen at checkout.")


class RedirectOut(Schema):
    url: str
    method: str
    fields: dict[str, str]
    reference: str


def _address_out(data: dict) -> AddressOut | None:
    if not data:
        return None
    return AddressOut(name=data.get("name", ""), line1=data.get("line1", ""),
                      line2=data.get("line2", ""), city=data.get("city", ""),
                      postcode=data.get("postcode", ""),
                      state=data.get("state_code", ""), phone=data.get("phone", ""))


def _checkout(token: str) -> Checkout:
    checkout = services.checkout_get(token=token)
    if checkout is None:
        raise Problem(404, "This checkout token is not valid.", code="not_found")
    return checkout


def _open(token: str) -> Checkout:
    checkout = _checkout(token)
    if checkout.status == Checkout.Status.COMPLETED:
        raise Problem(409, "This checkout is already completed; see its order.",
                      code="completed")
    return checkout


def _checkout_out(checkout: Checkout) -> CheckoutOut:
    done = checkout.status == Checkout.Status.COMPLETED
    step = ("done" if done else "details" if not checkout.has_details
            else "delivery" if not checkout.has_delivery else "review")
    return CheckoutOut(
        status=checkout.status, next_step=step, email=checkout.email,
        shipping=_address_out(checkout.shipping),
        billing=_address_out(checkout.billing),
        shipping_method=checkout.shipping_method,
        payment_method=checkout.payment_method,
        order_token=services.checkout_order_token(checkout) if done else None,
        customer=(CustomerOut(number=checkout.customer.number,
                              name=checkout.customer.name,
                              email=checkout.customer.email)
                  if checkout.customer is not None else None),
        einvoice=(EinvoiceOut(**checkout.buyer_einvoice)
                  if checkout.buyer_einvoice else None))


def _saved_addresses(checkout: Checkout) -> list[SavedAddressOut]:
    if checkout.customer is None:
        return []
    out = []
    for saved in Address.objects.filter(customer=checkout.customer):
        postal = address_as_postal(saved)
        out.append(SavedAddressOut(id=saved.pk, name=postal.name, line1=postal.line1,
                                   line2=postal.line2, city=postal.city,
                                   postcode=postal.postcode, state=postal.state_code))
    return out


def _clean_address(prefix: str, data: AddressIn, *, name: str, phone: str):
    try:
        return address_clean(name=data.name or name, phone=phone, line1=data.line1,
                             line2=data.line2, city=data.city,
                             postcode=data.postcode, state_code=data.state)
    except ValidationError as exc:
        raise Problem(422, "The address is not valid; see errors.", code="address",
                      errors=[{"field": f"{prefix}.{field}", "message": str(m)}
                              for field, messages in exc.message_dict.items()
                              for m in messages]) from None


@router.get("/checkouts/{token}", response={200: CheckoutOut, ERRORS: ProblemOut},
            summary="A checkout's state and its next step")
def checkout_detail(request, token: str):
    return _checkout_out(_checkout(token))


@router.post("/checkouts/{token}/sign-in",
             response={200: SignedInOut, ERRORS: ProblemOut},
             summary="A returning customer signs in (customer ID or email, "
             "and password)")
def checkout_sign_in(request, token: str, payload: SignInIn):
    """The checkout page's password sign-in: throttled per client and per
    account (429), the same answer for an unknown customer and a wrong
    password. The checkout gets a new token; its saved addresses are
    listed (send one as ``shipping`` in the details)."""
    checkout = _open(token)
    form = SignInForm({"identifier": payload.identifier,
                       "password": payload.password})
    customer, status = password_sign_in(request, form)
    if customer is None:
        messages = [str(m) for m in form.non_field_errors()] or [
            f"{field}: {m}" for field, errs in form.errors.items() for m in errs]
        raise Problem(status, " ".join(messages) or "Sign-in failed.",
                      code="rate_limited" if status == 429 else "sign_in_failed",
                      headers={"Retry-After": "900"} if status == 429 else None)
    new_token = services.checkout_sign_in(checkout=checkout, customer=customer)
    return SignedInOut(checkout_token=new_token, checkout=_checkout_out(checkout),
                       saved_addresses=_saved_addresses(checkout))


@router.get("/checkouts/{token}/saved-addresses",
            response={200: list[SavedAddressOut], ERRORS: ProblemOut},
            summary="A signed-in customer's saved addresses (empty for a guest)")
def checkout_saved_addresses(request, token: str):
    return _saved_addresses(_open(token))


def _clean_einvoice(data: EinvoiceIn | None) -> dict | None:
    if data is None:
        return None
    try:
        return einvoice_clean(tin=data.tin, id_type=data.id_type,
                              id_number=data.id_number,
                              sst_number=data.sst_number).as_dict()
    except ValidationError as exc:
        raise Problem(422, "The e-invoice details are not valid; see errors.",
                      code="einvoice",
                      errors=[{"field": f"einvoice.{field}", "message": str(m)}
                              for field, messages in exc.message_dict.items()
                              for m in messages]) from None


@router.put("/checkouts/{token}/details",
            response={200: CheckoutOut, ERRORS: ProblemOut},
            summary="Contact details and addresses")
def checkout_details(request, token: str, payload: DetailsIn):
    checkout = _open(token)
    try:
        email = normalise_email(payload.email)
    except ValidationError:
        raise Problem(422, "Enter a valid email address.", code="email",
                      errors=[{"field": "email",
                               "message": "Enter a valid email address."}]) from None
    shipping = _clean_address("shipping", payload.shipping, name=payload.name,
                              phone=payload.phone)
    billing = (shipping if payload.billing is None else _clean_address(
        "billing", payload.billing, name=payload.name, phone=payload.phone))
    einvoice = _clean_einvoice(payload.einvoice)
    services.checkout_set_details(
        checkout=checkout, email=email, name=shipping.name, phone=shipping.phone,
        shipping=shipping, billing=billing,
        marketing_consent=payload.marketing_consent, buyer_einvoice=einvoice)
    return _checkout_out(checkout)


@router.get("/checkouts/{token}/delivery",
            response={200: DeliveryOptionsOut, ERRORS: ProblemOut},
            summary="Shipping and payment methods offered for this checkout")
def checkout_delivery_options(request, token: str):
    checkout = _open(token)
    if not checkout.has_details:
        raise Problem(409, "Send the details first.", code="details_missing")
    return DeliveryOptionsOut(
        shipping=[quote_out(q) for q in services.shipping_methods(checkout=checkout)],
        payment=[PaymentMethodOut(code=m.code, label=str(m.label), online=m.online)
                 for m in services.payment_methods()])


@router.put("/checkouts/{token}/delivery",
            response={200: CheckoutOut, ERRORS: ProblemOut},
            summary="Choose the shipping and payment methods")
def checkout_delivery(request, token: str, payload: DeliveryIn):
    checkout = _open(token)
    if not checkout.has_details:
        raise Problem(409, "Send the details first.", code="details_missing")
    try:
        services.checkout_set_delivery(checkout=checkout,
                                       shipping_method=payload.shipping_method,
                                       payment_method=payload.payment_method)
    except CheckoutError as exc:
        raise Problem(422, exc.message, code=exc.code) from None
    return _checkout_out(checkout)


@router.get("/checkouts/{token}/review", response={200: ReviewOut, ERRORS: ProblemOut},
            summary="The priced order to confirm")
def checkout_review(request, token: str):
    checkout = _open(token)
    if not (checkout.has_details and checkout.has_delivery):
        raise Problem(409, "Send the details and delivery first.",
                      code="incomplete")
    try:
        priced = services.checkout_price(checkout=checkout)
    except CheckoutError as exc:
        raise Problem(422, exc.message, code=exc.code) from None
    return ReviewOut(
        lines=[ReviewLineOut(sku=line.sku, name=line.name, quantity=line.quantity,
                             unit_price=money_out(line.unit_price),
                             tax=money_out(line.tax)) for line in priced.lines],
        subtotal=money_out(priced.subtotal),
        shipping=money_out(priced.shipping_gross),
        tax_total=money_out(priced.tax_total), rounding=money_out(priced.rounding),
        total=money_out(priced.total))


def order_status_out(order: Order, token: str) -> OrderStatusOut:
    currency = order.currency
    return OrderStatusOut(
        number=order.number, status=order.status,
        payment_state=payment_context(order, token)["payment_state"],
        created_at=order.created_at.isoformat(),
        lines=[OrderLineOut(sku=line.sku, name=line.name,
                            variant_label=line.variant_label, quantity=line.quantity,
                            unit_price=money_out(line.unit_price, currency),
                            line_total=money_out(line.line_total, currency))
               for line in order.lines.all()],
        subtotal=money_out(order.subtotal, currency),
        shipping=money_out(order.shipping_total, currency),
        tax_total=money_out(order.tax_total, currency),
        total=money_out(order.total, currency),
        tracking=[link.number for link in tracking_links(order=order)])


@router.post("/checkouts/{token}/place", response={201: PlacedOut, ERRORS: ProblemOut},
             summary="Place the order at the total the shopper confirmed")
def checkout_place(request, token: str, payload: PlaceIn):
    checkout = _checkout(token)

    def create():
        if checkout.status == Checkout.Status.COMPLETED:
            placed = services.checkout_place(checkout=checkout)
        else:
            try:
                accepted = Money(payload.expected_total,
                                 checkout.cart.currency).quantized()
                placed = services.checkout_place(checkout=checkout,
                                                 accepted_total=accepted)
            except TotalChanged as exc:
                raise Problem(409, exc.message, code="total_changed") from None
            except CheckoutError as exc:
                raise Problem(422, exc.message, code=exc.code) from None
        return 201, PlacedOut(order_token=placed.token,
                              order=order_status_out(placed.order, placed.token))

    # checkout_place is idempotent by the checkout itself; the header is
    # honoured too, for clients that send it everywhere.
    return idempotent(request, scope=f"store:place:{checkout.token_hash}",
                      create=create)


def _order(token: str) -> Order:
    order = order_selectors.order_get_by_token(token=token)
    if order is None:
        raise Problem(404, "This order token is not valid.", code="not_found")
    return order


@router.get("/orders/{token}", response={200: OrderStatusOut, ERRORS: ProblemOut},
            summary="An order's status, by its token")
def order_status(request, token: str):
    return order_status_out(_order(token), token)


@router.post("/orders/{token}/payments",
             response={201: RedirectOut, ERRORS: ProblemOut},
             summary="Start a payment: where to send the shopper (hosted page)")
def payment_start(request, token: str, payload: PaymentIn):
    order = _order(token)

    def create():
        try:
            started = payment_services.payment_start(
                order=order, method=payload.method or order.payment_method,
                site_url=request.build_absolute_uri("/"))
        except PaymentError as exc:
            raise Problem(503 if exc.code == "gateway" else 409, exc.message,
                          code=exc.code) from None
        r = started.redirect
        return 201, RedirectOut(url=r.url, method=r.method, fields=dict(r.fields),
                                reference=started.payment.reference)

    return idempotent(request, scope=f"store:pay:{order.token_hash}", create=create)
