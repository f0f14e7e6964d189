"""Checkout pages: details → delivery → review → order (ARCHITECTURE.md §3, §5).

Each page is a plain HTML form reached by the checkout's own token
(``/checkout/<token>/…``), which is new when checkout starts, so the cart
link never shows personal data. Pages are private (no-store, noindex).
POST views are exempt from Django's cookie-based CSRF check: the
storefront has no cookies, and ShopperTokenMiddleware refuses cross-site
POSTs by the browser's Sec-Fetch-Site/Origin headers instead.
"""

from decimal import Decimal
from functools import wraps

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kedai.checkout import services
from kedai.checkout.exceptions import CheckoutError, TotalChanged
from kedai.checkout.models import Checkout
from kedai.core.privacy import capability_page
from kedai.core.templatetags.money import money
from kedai.core.tokens import token_hash
from kedai.customers import services as customers
from kedai.customers.addressing import STATE_NAMES
from kedai.customers.models import Address
from kedai.storefront.checkout_forms import (
    CheckoutDetailsForm,
    DeliveryForm,
    ReviewForm,
    SignInForm,
    SignInLinkForm,
)
from kedai.storefront.shopper import root_url
from kedai.storefront.signin import password_sign_in, sign_in_link_send
from kedai.storefront.views.cart import SeeOther, cart_post

STEPS = ("identify", "details", "delivery", "review")


def _step_url(request, token: str, step: str) -> str:
    """A checkout page's path, under its cart's token when the request
    came that way (``/s/<cart>/checkout/<token>/…``), so that every
    header link (cart, categories, search) keeps the shopper's cart."""
    return reverse(f"storefront:checkout_{step}", kwargs={"token": token})


def _first_missing_step(checkout: Checkout) -> str:
    """The first step still to do (signing in is optional: never missing)."""
    if not checkout.has_details:
        return "details"
    if not checkout.has_delivery:
        return "delivery"
    return "review"


def checkout_step(step: str):
    """A checkout page: unknown token → 404 page, completed → its order,
    a later step before an earlier one is done → the first missing step."""

    def decorate(view):
        @csrf_exempt  # cookieless: the middleware checks Origin / Sec-Fetch-Site
        @require_http_methods(["GET", "POST"])
        @capability_page
        @wraps(view)
        def wrapper(request, token):
            checkout = services.checkout_get(token=token)
            if checkout is None:
                return render(request, "storefront/message.html", {
                    "title": _("Checkout not found"),
                    "text": _("This checkout link is not valid. Go back to your "
                              "cart and start the checkout again."),
                }, status=404)
            if request.shopper_token and (
                    token_hash(request.shopper_token) != checkout.cart.token_hash):
                # Another cart's prefix: serve the checkout without it.
                return SeeOther(root_url(request, f"storefront:checkout_{step}",
                                         token=token))
            if checkout.status == Checkout.Status.COMPLETED:
                return SeeOther(root_url(
                    request, "storefront:order",
                    token=services.checkout_order_token(checkout)))
            missing = _first_missing_step(checkout)
            if STEPS.index(step) > STEPS.index(missing):
                return SeeOther(_step_url(request, token, missing))
            return view(request, checkout, token)

        return wrapper

    return decorate


@cart_post
def checkout_start(request, cart):
    """Start a checkout of the cart with a fresh token (token rotation)."""
    try:
        _checkout, token = services.checkout_start(cart=cart)
    except CheckoutError:
        return SeeOther(reverse("storefront:cart"))
    return SeeOther(_step_url(request, token, "identify"))


def _render(request, template, checkout, token, context, status=200):
    return render(request, f"storefront/checkout/{template}", {
        "checkout": checkout, "token": token, "steps": STEPS,
        "summary": (services.checkout_summary(checkout=checkout)
                    if template not in ("review.html", "delivery.html") else None),
        "identify_url": _step_url(request, token, "identify"),
        "link_url": root_url(request, "storefront:checkout_signin_link", token=token),
        "details_url": _step_url(request, token, "details"),
        "delivery_url": _step_url(request, token, "delivery"),
        "review_url": _step_url(request, token, "review"),
        **context,
    }, status=status)


@checkout_step("identify")
def checkout_identify(request, checkout, token):
    """Returning customers sign in (password or emailed link); anyone can
    go on as a guest."""
    form = SignInForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        customer, status = password_sign_in(request, form)
        if customer is not None:
            new = services.checkout_sign_in(checkout=checkout, customer=customer)
            return SeeOther(_step_url(request, new, "details"))
    return _render(request, "identify.html", checkout, token, {
        "form": form, "link_form": SignInLinkForm()}, status=status)


@checkout_step("identify")
def checkout_signin_link(request, checkout, token):
    """Email a one-time link that signs this checkout in."""
    if request.method != "POST":
        return SeeOther(_step_url(request, token, "identify"))
    link_form = SignInLinkForm(request.POST)
    sent, status = sign_in_link_send(request, link_form, checkout_id=checkout.pk)
    return _render(request, "identify.html", checkout, token, {
        "form": SignInForm(), "link_form": link_form, "link_sent": sent},
        status=status)


def _details_initial(checkout: Checkout) -> dict:
    if not checkout.has_details:
        customer = checkout.customer
        if customer is None:
            return {}
        latest = customer.addresses.first()
        return {"name": customer.name, "phone": customer.phone,
                "saved_address": str(latest.pk) if latest else ""}
    ship, bill = checkout.shipping, checkout.billing
    initial = {"email": checkout.email, "name": checkout.name,
               "phone": checkout.phone, "line1": ship["line1"],
               "line2": ship["line2"], "city": ship["city"],
               "postcode": ship["postcode"], "state": ship["state_code"],
               "billing_same": bill == ship,
               "marketing_consent": checkout.marketing_consent}
    einvoice = checkout.buyer_einvoice
    if einvoice:
        initial.update(want_einvoice=True, **einvoice)
    if bill != ship:
        initial.update(billing_name=bill["name"], billing_line1=bill["line1"],
                       billing_line2=bill["line2"], billing_city=bill["city"],
                       billing_postcode=bill["postcode"],
                       billing_state=bill["state_code"])
    return initial


def _details_form(checkout: Checkout, data=None) -> CheckoutDetailsForm:
    customer = checkout.customer
    saved = []
    if customer is not None:
        saved = [(a.pk, customers.address_as_postal(a)) for a in
                 Address.objects.filter(customer=customer)]
    return CheckoutDetailsForm(
        data, initial=_details_initial(checkout) if data is None else None,
        saved_addresses=saved, signed_in_email=customer.email if customer else "")


@checkout_step("details")
def checkout_details(request, checkout, token):
    if request.method == "POST":
        form = _details_form(checkout, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.checkout_set_details(
                checkout=checkout, email=data["email"], name=data["name"],
                phone=data["phone"], shipping=data["shipping"],
                billing=data["billing"],
                marketing_consent=data["marketing_consent"],
                buyer_einvoice=data["buyer_einvoice"])
            return SeeOther(_step_url(request, token, "delivery"))
        status = 422
    else:
        form = _details_form(checkout)
        status = 200
    einvoice_open = bool(form["want_einvoice"].value()) or any(
        form.errors.get(name) for name in form.EINVOICE_FIELDS)
    return _render(request, "details.html", checkout, token, {
        "form": form, "einvoice_open": einvoice_open}, status=status)


def _delivery_form(checkout, quotes, data=None):
    offered = [q for q in quotes if q.available]
    chosen = checkout.shipping_method
    if chosen not in {q.code for q in offered}:
        # The cheapest first: a shopper who does not look pays the least
        # (the first in display order on a tie).
        cheapest = min(offered, key=lambda q: q.charge.amount, default=None)
        chosen = cheapest.code if cheapest else ""
    return DeliveryForm(
        data,
        shipping_choices=[(q.code, _quote_label(q)) for q in offered],
        payment_choices=[(m.code, m.label) for m in services.payment_methods()],
        initial={"shipping_method": chosen,
                 "payment_method": checkout.payment_method} if data is None else None,
    )


def _quote_label(quote) -> str:
    label = f"{quote.label} — {money(quote.charge)}"
    return f"{label} ({quote.eta})" if quote.eta else label


@checkout_step("delivery")
def checkout_delivery(request, checkout, token):
    quotes = services.shipping_methods(checkout=checkout)
    form = _delivery_form(checkout, quotes,
                          request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.checkout_set_delivery(
                    checkout=checkout,
                    shipping_method=form.cleaned_data["shipping_method"],
                    payment_method=form.cleaned_data["payment_method"])
            except CheckoutError as exc:
                form.add_error(None, exc.message)
            else:
                return SeeOther(_step_url(request, token, "review"))
        status = 422
    chosen = (form.data.get("shipping_method") if form.is_bound
              else form.initial.get("shipping_method"))
    if chosen not in {q.code for q in quotes if q.available}:
        chosen = ""  # never price a posted code that is not on offer
    return _render(request, "delivery.html", checkout, token, {
        "summary": services.checkout_summary(
            checkout=checkout, shipping_method=str(chosen or "")),
        "form": form, "unavailable": [q for q in quotes if not q.available],
        "nothing_offered": not any(q.available for q in quotes)}, status=status)


def _after_placing(request, placed):
    """Where "Place order" leads: an online payment method goes straight on
    to the gateway's hosted page (the method was chosen once, at delivery);
    bank transfer and cash on delivery show the order page with what to do.

    The 307 repeats the POST to the payment start view, which answers with
    the form to the gateway under its own CSP: a cross-site redirect would
    fall under this page's ``form-action 'self'``.
    """
    order_url = root_url(request, "storefront:order", token=placed.token)
    method = next((m for m in services.payment_methods()
                   if m.code == placed.order.payment_method), None)
    if method is None or not method.online:
        return SeeOther(order_url)
    return HttpResponseRedirect(
        root_url(request, "payments:start", token=placed.token), status=307)


@checkout_step("review")
def checkout_review(request, checkout, token):
    form = ReviewForm(request.POST if request.method == "POST" else None)
    notice = error = None
    status = 200
    try:
        priced = services.checkout_price(checkout=checkout)
    except CheckoutError as exc:
        priced, error, status = None, exc.message, 422
    shipping = services.checkout_shipping_quote(checkout=checkout)
    if request.method == "POST" and priced is not None:
        if not form.is_valid():
            status = 422
        elif form.cleaned_data["expected_total"] != priced.total.amount:
            notice = _("Prices or stock changed; please check and confirm again.")
            status = 409
        else:
            try:
                placed = services.checkout_place(
                    checkout=checkout, accepted_total=priced.total)
            except TotalChanged as exc:
                notice, status = exc.message, 409
                priced = services.checkout_price(checkout=checkout)
            except CheckoutError as exc:
                error, status = exc.message, 422
            else:
                return _after_placing(request, placed)
    if request.method == "POST" and status != 422 and form.is_bound:
        form = ReviewForm()  # ask again: the shopper confirms the new totals
    return _render(request, "review.html", checkout, token, {
        "form": form, "priced": priced, "notice": notice, "error": error,
        "shipping_method": shipping,
        "payment_method": next((m for m in services.payment_methods()
                                if m.code == checkout.payment_method), None),
        "shipping_state": STATE_NAMES.get(checkout.shipping.get("state_code"), ""),
        "billing_state": STATE_NAMES.get(checkout.billing.get("state_code"), ""),
        "expected_total": priced.total.amount if priced else Decimal(0),
        "terms_url": _terms_url(),
        "seller_details_template": _optional_template(SELLER_DETAILS),
    }, status=status)


# The seller's details (name, SSM number, address, contact) as the theme
# shows them in the footer; the review page repeats them when the template
# exists (Electronic Trade Transactions Regulations 2012).
SELLER_DETAILS = "storefront/partials/seller_details.html"
# The terms page, by the first of these URL names that exists.
TERMS_URL_NAMES: tuple[tuple[str, dict[str, str]], ...] = (
    ("storefront:terms", {}),
    ("storefront:legal_page", {"slug": "terms"}),
    ("storefront:page", {"slug": "terms"}),
)


def _optional_template(name: str) -> str | None:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


def _terms_url() -> str | None:
    for name, kwargs in TERMS_URL_NAMES:
        try:
            return reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            continue
    return None
