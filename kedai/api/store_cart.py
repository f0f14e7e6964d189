"""Storefront API: carts and shipping quotes.

A cart is reached by its token, in the path (``/carts/{token}``) or in an
``Authorization: Cart <token>`` header (``/cart``). The same services as
the cart pages (kedai.cart.services); a token only ever opens its own cart.
"""

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from kedai.api.idempotency import idempotent
from kedai.api.money import MoneyOut, money_dict, money_out
from kedai.api.problems import Problem
from kedai.api.schemas import ERRORS, ProblemOut
from kedai.cart import selectors as cart_selectors
from kedai.cart import services as cart_services
from kedai.cart.exceptions import CartError, CartExpired, CartNotFound
from kedai.cart.models import Cart
from kedai.checkout import services as checkout_services
from kedai.checkout.exceptions import CheckoutError
from kedai.core.tokens import token_hash
from kedai.customers.addressing import normalise_postcode, validate_postcode_state

router = Router(tags=["storefront: cart"])


class CartLineOut(Schema):
    id: int
    variant_id: int
    sku: str
    name: str
    variant_label: str
    quantity: int
    unit_price: MoneyOut
    line_total: MoneyOut
    available: bool
    problem: str


class CartOut(Schema):
    token: str
    lines: list[CartLineOut]
    subtotal: MoneyOut
    item_count: int


class CartCreateIn(Schema):
    variant_id: int | None = Field(None, ge=1, le=2**62,
                                   description="Optional first item.")
    quantity: int = Field(1, ge=1, le=999)


class LineIn(Schema):
    variant_id: int = Field(..., ge=1, le=2**62)
    quantity: int = Field(1, ge=1, le=999)


class QuantityIn(Schema):
    quantity: int = Field(..., ge=1, le=999)


def cart_out(cart: Cart, token: str) -> dict:
    """The cart as a CartOut-shaped dict (built without pydantic: this is
    the answer to every cart change, so it is kept cheap)."""
    view = cart_selectors.cart_summary(cart=cart)
    currency = cart.currency
    return {
        "token": token, "subtotal": money_dict(view.subtotal, currency),
        "item_count": view.item_count,
        "lines": [{
            "id": lv.line.pk, "variant_id": lv.line.variant_id,
            "sku": lv.line.variant.sku, "name": lv.line.variant.product.name,
            "variant_label": lv.line.variant.label, "quantity": lv.line.quantity,
            "unit_price": money_dict(lv.unit_price, currency),
            "line_total": money_dict(lv.line_total, currency),
            "available": lv.available, "problem": str(lv.problem),
        } for lv in view.lines]}


def cart_for(token: str) -> Cart:
    """The open cart of ``token``; 404 unknown, 410 expired."""
    try:
        return cart_services.cart_get(token=token)
    except CartExpired as exc:
        raise Problem(410, exc.message, code="expired") from None
    except CartNotFound as exc:
        raise Problem(404, exc.message, code="not_found") from None


def header_token(request) -> str:
    """The token of ``Authorization: Cart <token>``; 401 without one."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "cart" or not token.strip():
        raise Problem(401, "Send the cart token as 'Authorization: Cart <token>'.",
                      code="no_cart_token",
                      headers={"WWW-Authenticate": 'Cart realm="store"'})
    return token.strip()


def _refused(exc: CartError) -> Problem:
    return Problem(422, exc.message, code=exc.code)


# --- path-token operations ---------------------------------------------------


@router.post("/carts", response={201: CartOut, ERRORS: ProblemOut},
             summary="Create a cart (optionally with a first item)")
def cart_create(request, payload: CartCreateIn):
    def create():
        try:
            if payload.variant_id is None:
                cart, token = cart_services.cart_create()
            else:
                cart, token, _line = cart_services.cart_create_with_line(
                    variant_id=payload.variant_id, quantity=payload.quantity)
        except CartError as exc:
            raise _refused(exc) from None
        return 201, cart_out(cart, token)

    return idempotent(request, scope="store:carts", create=create)


@router.get("/carts/{token}", response={200: CartOut, ERRORS: ProblemOut},
            summary="The cart of a token")
def cart_detail(request, token: str):
    return cart_out(cart_for(token), token)


class LineAddedOut(Schema):
    """The line added to (GET the cart for prices and totals, as the HTML
    form's redirect shows the cart page)."""

    token: str
    line_id: int
    variant_id: int
    quantity: int = Field(..., description="The line's quantity now.")
    units_in_cart: int


@router.post("/carts/{token}/lines", response={201: LineAddedOut, ERRORS: ProblemOut},
             summary="Add an item (adds to the line of the same variant)")
def cart_add(request, token: str, payload: LineIn):
    cart = cart_for(token)

    def create():
        try:
            line = cart_services.cart_add_line(
                cart=cart, variant_id=payload.variant_id, quantity=payload.quantity)
        except CartError as exc:
            raise _refused(exc) from None
        return 201, {"token": token, "line_id": line.pk,
                     "variant_id": line.variant_id, "quantity": line.quantity,
                     "units_in_cart": cart_selectors.cart_item_count(cart=cart)}

    return idempotent(request, scope=f"store:cart:{token_hash(token)}",
                      create=create)


@router.patch("/carts/{token}/lines/{line_id}",
              response={200: CartOut, ERRORS: ProblemOut},
              summary="Change the quantity of a line")
def cart_change(request, token: str, line_id: int, payload: QuantityIn):
    cart = cart_for(token)
    try:
        cart_services.cart_set_quantity(cart=cart, line_id=line_id,
                                        quantity=payload.quantity)
    except CartError as exc:
        raise _refused(exc) from None
    return cart_out(cart, token)


@router.delete("/carts/{token}/lines/{line_id}",
               response={200: CartOut, ERRORS: ProblemOut},
               summary="Remove a line")
def cart_remove(request, token: str, line_id: int):
    cart = cart_for(token)
    try:
        cart_services.cart_remove_line(cart=cart, line_id=line_id)
    except CartError as exc:
        raise _refused(exc) from None
    return cart_out(cart, token)


# --- the same with the token in the Authorization header -----------------------


@router.get("/cart", response={200: CartOut, ERRORS: ProblemOut},
            summary="The cart of the Authorization: Cart token")
def cart_detail_header(request):
    return cart_detail(request, header_token(request))


@router.post("/cart/lines", response={201: LineAddedOut, ERRORS: ProblemOut},
             summary="Add an item to the Authorization: Cart token's cart")
def cart_add_header(request, payload: LineIn):
    return cart_add(request, header_token(request), payload)


@router.patch("/cart/lines/{line_id}", response={200: CartOut, ERRORS: ProblemOut},
              summary="Change a line of the Authorization: Cart token's cart")
def cart_change_header(request, line_id: int, payload: QuantityIn):
    return cart_change(request, header_token(request), line_id, payload)


@router.delete("/cart/lines/{line_id}", response={200: CartOut, ERRORS: ProblemOut},
               summary="Remove a line of the Authorization: Cart token's cart")
def cart_remove_header(request, line_id: int):
    return cart_remove(request, header_token(request), line_id)


# --- shipping quotes -------------------------------------------------------------


class QuoteQuery(Schema):
    postcode: str = Field(..., min_length=1, max_length=10)
    state: str = Field(..., min_length=1, max_length=3,
                       description="State code, e.g. SGR, KUL, PNG.")


class QuoteOut(Schema):
    code: str
    label: str
    charge: MoneyOut
    eta: str
    carrier: str
    available: bool
    reason: str


def quote_out(q) -> QuoteOut:
    return QuoteOut(code=q.code, label=str(q.label), charge=money_out(q.charge),
                    eta=str(q.eta), carrier=q.carrier, available=q.available,
                    reason=str(q.reason))


@router.get("/carts/{token}/shipping-quotes",
            response={200: list[QuoteOut], ERRORS: ProblemOut},
            summary="Shipping options and prices for the cart to an address")
def shipping_quotes(request, token: str, query: Query[QuoteQuery]):
    cart = cart_for(token)
    state = query.state.strip().upper()
    try:
        postcode = normalise_postcode(query.postcode)
        validate_postcode_state(postcode, state)
    except ValidationError as exc:
        raise Problem(422, " ".join(exc.messages), code="address") from None
    quotes = checkout_services.cart_shipping_quotes(cart=cart, postcode=postcode,
                                                    state_code=state)
    return [quote_out(q) for q in quotes]


class CheckoutStarted(Schema):
    checkout_token: str


@router.post("/carts/{token}/checkout",
             response={201: CheckoutStarted, ERRORS: ProblemOut},
             summary="Start a checkout of the cart (a new token)")
def checkout_start(request, token: str):
    cart = cart_for(token)

    def create():
        try:
            _checkout, new = checkout_services.checkout_start(cart=cart)
        except CheckoutError as exc:
            raise Problem(409 if exc.code == "closed" else 422, exc.message,
                          code=exc.code) from None
        return 201, CheckoutStarted(checkout_token=new)

    return idempotent(request, scope=f"store:checkout:{token_hash(token)}",
                      create=create)
