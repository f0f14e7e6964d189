"""Template tags of the promotion includes (kedai/promotions/templates).

They let the cart and review pages show codes, discounts and free-delivery
hints with one ``{% include %}`` each, without their views knowing.
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from kedai.checkout.pricing import PricingLine, price_order
from kedai.core.money import Money
from kedai.promotions import selectors
from kedai.promotions.exceptions import VoucherError
from kedai.promotions.services import cart_code_check

register = template.Library()


def _feedback(request, cart, email: str = "") -> dict:
    """The outcome of the last code form post, from ``?promo=…&code=…``."""
    if request is None:
        return {}
    outcome, code = request.GET.get("promo", ""), request.GET.get("code", "")[:64]
    if outcome == "added":
        return {"ok": _("Code %(code)s applied.") % {"code": code.upper()}}
    if outcome == "removed":
        return {"ok": _("Code removed.")}
    if outcome == "error":
        try:
            cart_code_check(cart=cart, code=code, email=email)
        except VoucherError as exc:
            return {"error": exc.message, "value": code}
    return {}


@register.simple_tag(takes_context=True)
def promo_cart(context, summary) -> dict:
    """Codes on the cart (with why one does not apply), the discounts as
    they stand before delivery, and the form's feedback."""
    return cart_promo(context.get("request"), summary)


def cart_promo(request, summary, rules=None) -> dict:
    """What the cart page's code box shows (see ``promo_cart``); an empty
    box when :func:`promo_is_plain`. ``rules``: the promotion rules, if
    the caller has read them already."""
    cart = summary.cart
    promo = selectors.cart_promotions(
        cart=cart, lines=[row.line for row in summary.lines if row.available],
        rules=rules)
    discounts: list[tuple[str, Decimal]] = []
    total = Decimal(0)
    if promo.items and promo.pending:
        # Discounts come off before tax, so untaxed lines give the same cut.
        priced = price_order(
            lines=[PricingLine(i.sku, i.sku, i.quantity,
                               Money(i.unit_price, cart.currency))
                   for i in promo.items],
            shipping=Money.zero(cart.currency), prices_include_tax=True,
            cash_rounding=False, currency=cart.currency, discounts=promo.pending)
        discounts = [(a.label, a.amount.amount) for a in priced.discounts
                     if a.amount.amount]
        total = priced.discount_total.amount
    # A code's own row shows what it takes off; other rows are automatic.
    cuts = dict(discounts)
    labels = {_("Code %(code)s") % {"code": code}: code for code, _p in promo.codes}
    codes = [(code, problem, cuts.get(label))
             for label, (code, problem) in zip(labels, promo.codes, strict=True)]
    return {"codes": codes,
            "discounts": [(lab, cut) for lab, cut in discounts if lab not in labels],
            "discount_total": total,
            "after": summary.subtotal - total,
            **_feedback(request, cart)}


def promo_is_plain(promo: dict) -> bool:
    """True when the code box shows only its empty form: no code, no
    discount and nothing to say about the last post (the same for every
    cart)."""
    return not any(promo.get(k) for k in ("codes", "discounts", "ok", "error",
                                          "value"))


@register.simple_tag(takes_context=True)
def promo_checkout(context, checkout) -> dict:
    """Codes on the checkout's cart and the form's feedback."""
    promo = selectors.checkout_codes(checkout=checkout)
    return {"codes": [(code, problem, None) for code, problem in promo],
            **_feedback(context.get("request"), checkout.cart, checkout.email)}


@register.simple_tag
def promo_hints(subtotal) -> list:
    """Free-delivery thresholds and what the goods still lack for each."""
    return selectors.free_delivery_hints(subtotal=Decimal(subtotal or 0))


@register.simple_tag(takes_context=True)
def promo_checkout_url(context, token) -> str:
    """Where the review page's code form posts: under the cart's token when
    the page came that way (``/s/<cart>/checkout/<token>/code/``), like
    the checkout's own steps, so the shopper's cart stays in every link."""
    from django.urls import reverse

    return reverse("storefront:checkout_code", kwargs={"token": token})
