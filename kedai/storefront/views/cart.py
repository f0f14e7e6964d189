"""Cart pages. The cart is reached only through its token URL (/s/<token>/).

POST views are exempt from Django's cookie-based CSRF check: the storefront
has no cookies, and ShopperTokenMiddleware refuses cross-site POSTs by the
browser's Sec-Fetch-Site/Origin headers instead.
"""

from functools import wraps
from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from kedai.cart import selectors as cart_selectors
from kedai.cart import services as cart_services
from kedai.cart.exceptions import CartError, CartExpired, CartNotFound
from kedai.catalog import selectors as catalog_selectors
from kedai.catalog.models import Product
from kedai.core.forms import id_or_none
from kedai.storefront.cart_badge import cart_badge_html
from kedai.storefront.cart_page import cart_page_response, cart_parts
from kedai.storefront.cart_rows import CartRow, cart_rows_html
from kedai.storefront.clients import mail_client
from kedai.storefront.forms import (
    AddToCartForm,
    EmailCartForm,
    LineQuantityForm,
    safe_next,
)
from kedai.storefront.shopper import token_url
from kedai.storefront.templatetags.storefront import product_url
from kedai.storefront.views.pages import product_page


class SeeOther(HttpResponseRedirect):
    status_code = 303


def _cart_or_missing(request, *, adding=False):
    """Return (cart, None) or (None, friendly response) for the token.

    A cart that became an order is no error: its link (bookmarked, or in
    the "email me this cart" message) leads to a page that says so and
    offers a fresh cart. That page never links to the order: whoever holds
    the cart link may not be the buyer (a cart link shared or planted
    before checkout), so the order and its personal data stay behind the
    order's own token (ARCHITECTURE.md §3).
    """
    try:
        return cart_services.cart_get(token=request.shopper_token), None
    except CartExpired:
        return None, render(request, "storefront/cart_missing.html",
                            {"expired": True}, status=410)
    except CartNotFound:
        if cart_selectors.cart_is_checked_out(token=request.shopper_token):
            if adding:
                return None, None  # the add starts a fresh cart
            return None, render(request, "storefront/cart_missing.html",
                                {"expired": False, "checked_out": True})
        return None, render(request, "storefront/cart_missing.html",
                            {"expired": False}, status=404)


def _render_cart(request, cart, *, status=200, errors=None, email_form=None,
                 highlight=None):
    summary = cart_selectors.cart_summary(cart=cart)
    # The header's badge comes from the lines just read (no second query).
    request.cart_badge_html = cart_badge_html(cart_selectors.cart_view_badge(summary))
    errors = errors or {}
    lines_url = reverse("storefront:cart_line", kwargs={"line_id": 0})[:-2]
    rows = cart_rows_html(
        (CartRow(lv.line, lv.unit_price, lv.line_total, lv.problem,
                 f"{lines_url}{lv.line.pk}/", errors.get(lv.line.pk, ""))
         for lv in summary.lines), product_url=product_url, highlight=highlight)
    email_form = email_form or EmailCartForm()
    parts = cart_parts(
        request, summary, rows=rows, continue_url=_continue_url(request),
        email=(email_form.data.get("email", "") if email_form.is_bound else "")
        or cart.email)
    return cart_page_response(request, parts, email_form=email_form,
                              emailed=request.GET.get("emailed") == "1",
                              status=status)


def _continue_url(request) -> str:
    nxt = safe_next(request.GET.get("next", ""))
    return f"{request.root_script_prefix}s/{request.shopper_token}{nxt}" if (
        nxt and request.shopper_token) else reverse("storefront:home")


@require_safe
def cart_detail(request):
    if request.shopper_token is None:
        return render(request, "storefront/cart_empty.html")
    cart, missing = _cart_or_missing(request)
    if missing:
        return missing
    return _render_cart(request, cart,
                        highlight=id_or_none(request.GET.get("added")))


@csrf_exempt
@require_POST
def cart_add(request):
    form = AddToCartForm(request.POST)
    cart = None
    if request.shopper_token:
        cart, missing = _cart_or_missing(request, adding=True)
        if missing:
            return missing
    if form.is_valid():
        variant_id = form.cleaned_data["variant"]
        if not variant_id:
            variant_id = catalog_selectors.product_single_variant_id(
                product_id=form.cleaned_data["product"])
            if variant_id is None:
                return _choose_options(request, form.cleaned_data["product"],
                                       on_product_page=_from_product_page(form))
        quantity = form.cleaned_data["quantity"]
        try:
            if cart is None:  # no cart yet, or it became an order
                cart, token, line = cart_services.cart_create_with_line(
                    variant_id=variant_id, quantity=quantity)
            else:
                token = request.shopper_token
                line = cart_services.cart_add_line(
                    cart=cart, variant_id=variant_id, quantity=quantity)
        except CartError as exc:
            form.add_error(None, exc.message)
        else:
            if _htmx_under_token(request):
                return render(request, "storefront/partials/cart_added.html",
                              {"added": True})
            url = token_url(request, token, "storefront:cart")
            nxt = form.cleaned_data["next"]
            query = {"added": line.pk, **({"next": nxt} if nxt else {})}
            return SeeOther(f"{url}?{urlencode(query)}")
    if _htmx_under_token(request):
        errors = [e for errs in form.errors.values() for e in errs]
        if not form.data.get("variant") and "quantity" not in form.errors \
                and (product := _product_of(form)) is not None:
            errors = [_choose_message(product)]
        return render(request, "storefront/partials/cart_added.html",
                      {"added": False, "errors": errors}, status=422)
    return _add_failed(request, form)


def _htmx_under_token(request) -> bool:
    """An htmx add from a page of an existing cart: answer with the fragment
    (message and badge), not a 303 and a page. The first add of a visitor
    without a cart still redirects, to the new cart's address."""
    return bool(request.shopper_token and request.headers.get("HX-Request"))


def _from_product_page(form) -> bool:
    """True when the add came from the product's own page (its "next" is
    the product path), not from a listing card."""
    nxt = form.cleaned_data.get("next") or ""
    try:
        return resolve(nxt.split("?", 1)[0]).url_name == "product"
    except Resolver404:
        return False


def _product_of(form) -> Product | None:
    """The product an add-to-cart form is about: its product or variant
    field, else the product page it was posted from (``next``): the
    product page of a product with options posts only the chosen variant,
    so without a choice ``next`` is all that names the product."""
    qs = Product.objects.filter(is_active=True)
    if (variant_pk := id_or_none(form.data.get("variant"))) is not None:
        return qs.filter(variants__pk=variant_pk).first()
    if (product_pk := id_or_none(form.data.get("product"))) is not None:
        return qs.filter(pk=product_pk).first()
    nxt = safe_next(form.data.get("next", ""))
    try:
        match = resolve(nxt.split("?", 1)[0]) if nxt else None
    except Resolver404:
        match = None
    if match is None or match.url_name != "product":
        return None
    return qs.filter(slug=match.kwargs["slug"]).first()


def _choose_message(product: Product) -> str:
    names = [name.lower() for name in product.option_names]
    if not names:
        return _("Please choose an option first.")
    return _("Please choose the %(options)s first.") % {
        "options": " / ".join(names)}


def _choose_options(request, product_id, *, on_product_page=False):
    slug = Product.objects.filter(pk=product_id).values_list("slug", flat=True).first()
    if slug is None:
        return _add_failed(request, AddToCartForm())
    if on_product_page:
        form = AddToCartForm(request.POST)
        form.is_valid()
        return _add_failed(request, form)
    url = reverse("storefront:product", kwargs={"slug": slug}) + "?choose=1"
    if _htmx_under_token(request):
        # A product with options: the shopper goes to its page to choose.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return SeeOther(url)


def _add_failed(request, form):
    """Show the product page again with the error; the cart is unchanged.

    Nothing chosen on a product with options (sizes, colours) is the
    commonest case: the page says which option to choose.
    """
    found = _product_of(form)
    if found is None:
        return render(request, "storefront/message.html", {
            "title": _("This product is no longer available."),
        }, status=404)
    product = catalog_selectors.product_get(slug=found.slug)
    if not form.data.get("variant") and "quantity" not in form.errors:
        form.errors.pop("__all__", None)
        form.add_error(None, _choose_message(product))
    return product_page(request, product, form, status=422)


def cart_post(view):
    """A POST view that changes the cart of the request's token.

    Without a token there is no cart to change: back to the (empty) cart
    page. An unknown or expired token gets the friendly page.
    """
    @csrf_exempt
    @require_POST
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.shopper_token is None:
            return SeeOther(reverse("storefront:cart"))
        cart, missing = _cart_or_missing(request)
        if missing:
            return missing
        return view(request, cart, *args, **kwargs)

    return wrapper


@cart_post
def cart_line(request, cart, line_id):
    form = LineQuantityForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == "remove":
                cart_services.cart_remove_line(cart=cart, line_id=line_id)
            else:
                cart_services.cart_set_quantity(
                    cart=cart, line_id=line_id,
                    quantity=form.cleaned_data["quantity"])
        except CartError as exc:
            return _render_cart(request, cart, status=422,
                                errors={line_id: exc.message})
        if request.headers.get("HX-Request"):
            return _render_cart(request, cart)
        return SeeOther(reverse("storefront:cart"))
    message = " ".join(str(e) for errs in form.errors.values() for e in errs)
    return _render_cart(request, cart, status=422, errors={line_id: message})


@cart_post
def cart_email(request, cart):
    form = EmailCartForm(request.POST)
    if form.is_valid():
        url = request.build_absolute_uri(reverse("storefront:cart"))
        try:
            cart_services.cart_email_link(cart=cart,
                                          email=form.cleaned_data["email"], url=url,
                                          client=mail_client(request))
        except CartError as exc:
            form.add_error("email", exc.message)
        else:
            return SeeOther(reverse("storefront:cart") + "?emailed=1")
    return _render_cart(request, cart, status=422, email_form=form)

