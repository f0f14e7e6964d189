"""The cart page: one shared shell per language, and each cart's own parts.

The cart page belongs to one shopper, so it never comes from the page
cache; yet all of it but a few parts is the same for every cart: the
``<head>``, header, footer, headings, the link box and the forms. That
shell is rendered once per language, catalogue version, host, path and
script prefix root, for a random placeholder token and with random marks
where the cart's parts go (as storefront.page_cache does for catalogue
pages); every request then gets the shell with its own token and parts put
in. The parts are built without the page's template: the rows and amounts
in Python (storefront.cart_rows, the money filter), the header badge from
the lines already read, the voucher box and the free-delivery hint from
their own small templates, and only when they show something a cart of
its own (the plain code box is part of the shell).

Rendered without the cache (``KEDAI_PAGE_CACHE_SECONDS`` 0, a POST, an
email form with errors) the same template gets the real parts directly;
tests/storefront/test_cart_page_shell.py checks that both give the same
HTML. The cached shell holds no token and nothing of any cart.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from kedai.catalog.versions import catalog_version
from kedai.core.templatetags.money import money
from kedai.core.tokens import new_token
from kedai.promotions.rules import rules_get
from kedai.promotions.selectors import free_delivery_hints
from kedai.storefront.templatetags.promotions import cart_promo, promo_is_plain

PAGE = "storefront/cart.html"
TABLE = "storefront/partials/cart_table.html"  # the htmx update
_PARTS = ("rows", "subtotal", "voucher", "hint", "continue", "email")


@dataclass(frozen=True)
class CartParts:
    """What differs between two carts' pages (besides token and badge).

    ``voucher`` is None when the code box is the plain one every cart
    without codes, discounts or feedback shows: the shell holds it.
    """

    has_lines: bool
    rows: SafeString
    subtotal: str
    voucher: SafeString | None
    hint: SafeString
    continue_url: str
    email: str

    def values(self) -> dict[str, str]:
        """Each part as it stands in the HTML (escaped)."""
        return {"rows": self.rows, "subtotal": conditional_escape(self.subtotal),
                "voucher": self.voucher or "", "hint": self.hint,
                "continue": conditional_escape(self.continue_url),
                "email": conditional_escape(self.email)}


def cart_parts(request, summary, *, rows: SafeString, continue_url: str,
               email: str) -> CartParts:
    """The cart's own parts of its page; ``summary`` is cart_summary's."""
    rules = rules_get()  # one read of the shared cache for both
    promo = cart_promo(request, summary, rules)
    hints = free_delivery_hints(subtotal=summary.subtotal, rules=rules)
    return CartParts(
        has_lines=bool(summary.lines), rows=rows, subtotal=money(summary.subtotal),
        voucher=None if promo_is_plain(promo) else _voucher_box(promo),
        hint=mark_safe(render_to_string(  # noqa: S308 - rendered template
            "promotions/_free_delivery_hint.html", {"summary": summary})
            ) if hints else mark_safe(""),
        continue_url=continue_url, email=email)


def _voucher_box(promo: dict) -> SafeString:
    return mark_safe(render_to_string(  # noqa: S308 - rendered template
        "promotions/_code_form.html", {"promo": promo, "promo_ready": True,
                                       "action": reverse("storefront:cart_code")}))


def _context(request, parts: dict[str, str], *, has_lines: bool, emailed: bool,
             email_form, oob: bool, plain_voucher: bool) -> dict:
    return {
        "has_lines": has_lines,
        "rows_html": mark_safe(parts["rows"]),  # noqa: S308 - escaped parts
        "subtotal_text": mark_safe(parts["subtotal"]),  # noqa: S308
        "voucher_html": (_voucher_box({}) if plain_voucher
                         else mark_safe(parts["voucher"])),  # noqa: S308
        "hint_html": mark_safe(parts["hint"]),  # noqa: S308
        "continue_url": mark_safe(parts["continue"]),  # noqa: S308
        "email_value": mark_safe(parts["email"]),  # noqa: S308
        "cart_link": request.build_absolute_uri(reverse("storefront:cart")),
        "email_form": email_form,
        "emailed": emailed,
        "oob": oob,
    }


def cart_page_response(request, parts: CartParts, *, email_form, emailed: bool,
                       status: int = 200) -> HttpResponse:
    """The cart page (or, for htmx, its table) of the request's cart."""
    oob = bool(request.headers.get("HX-Request"))
    template = TABLE if oob else PAGE
    flags = {"has_lines": parts.has_lines, "emailed": emailed,
             "email_form": email_form, "oob": oob,
             "plain_voucher": parts.voucher is None and not oob}
    if not _shareable(request, email_form):
        html = render_to_string(template, _context(request, parts.values(), **flags),
                                request)
        return HttpResponse(html, status=status)
    key = _key(request, template, parts.has_lines, emailed, flags["plain_voucher"])
    shell = cache.get(key)
    if shell is None:
        shell = _render_shell(request, template, flags)
        cache.set(key, shell, settings.KEDAI_PAGE_CACHE_SECONDS)
    html, placeholder, badge_mark, query_mark, marks = shell
    html = html.replace(placeholder, request.shopper_token)
    html = html.replace(badge_mark, getattr(request, "cart_badge_html", ""))
    query = request.META.get("QUERY_STRING", "")
    html = html.replace(f"?{query_mark}", f"?{escape(query)}" if query else "")
    for name, value in parts.values().items():
        html = html.replace(marks[name], value)
    return HttpResponse(html, status=status)


def _shareable(request, email_form) -> bool:
    return (settings.KEDAI_PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and bool(getattr(request, "shopper_token", None))
            and not email_form.errors)


def _key(request, template: str, has_lines: bool, emailed: bool,
         plain_voucher: bool) -> str:
    where = (f"{request.scheme}://{request.get_host()}"
             f"{getattr(request, 'root_script_prefix', '/')}{request.path_info}")
    digest = hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()
    return (f"cart-shell:{template}:{translation.get_language()}:"
            f"{catalog_version()}:{int(has_lines)}{int(emailed)}"
            f"{int(plain_voucher)}:{digest}")


def _render_shell(request, template: str, flags: dict):
    """Render ``template`` for a placeholder token, with marks for the
    badge, the query string of the language links and every part."""
    suffix = secrets.token_hex(8)
    marks = {name: f"<!--cart-{name}-{suffix}-->" for name in _PARTS}
    placeholder, badge_mark, query_mark = new_token(), f"<!--cart-badge-{suffix}-->", \
        f"kedai-query-{suffix}"
    token, root = request.shopper_token, request.root_script_prefix
    saved = (getattr(request, "cart_badge_mark", None),
             request.META.get("QUERY_STRING", ""), get_script_prefix())
    request.shopper_token, request.cart_badge_mark = placeholder, badge_mark
    request.META["QUERY_STRING"] = query_mark
    set_script_prefix(f"{root}s/{placeholder}/")
    try:
        html = render_to_string(template, _context(request, marks, **flags), request)
    finally:
        request.shopper_token, request.cart_badge_mark = token, saved[0]
        request.META["QUERY_STRING"] = saved[1]
        set_script_prefix(saved[2])
    return str(html), placeholder, badge_mark, query_mark, marks
