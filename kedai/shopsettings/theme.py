"""The storefront's theme and trust pages, as the storefront reads them.

The storefront sits below this app (import-linter layers), so it never
imports it: the ``theme`` context processor puts ``theme`` and ``seller``
into every storefront template, ``theme_css`` serves the owner's colours
and font as a stylesheet (the CSP allows no inline styles), and
``shop_page`` shows a trust page. All three are cached under the catalogue
version, which every change here bumps after commit.

``admin_stylesheet`` is a django-unfold hook named in settings.UNFOLD.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from kedai.catalog.richtext import render_markdown
from kedai.catalog.versions import catalog_version
from kedai.customers.addressing import STATES
from kedai.invoicing.selectors import seller_profile_get
from kedai.shopsettings.legal_texts import BODIES, TITLES, fill
from kedai.shopsettings.models import (
    FontChoice,
    LegalPage,
    LegalPageKind,
    ThemeSettings,
)

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

FONT_STACKS: dict[str, str] = {
    FontChoice.SYSTEM: ('system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", '
                        '"Helvetica Neue", Arial, sans-serif'),
    FontChoice.HUMANIST: ('Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", '
                          'source-sans-pro, sans-serif'),
    FontChoice.GEOMETRIC: ('Avenir, Montserrat, Corbel, "URW Gothic", '
                           'source-sans-pro, sans-serif'),
    FontChoice.SERIF: ('Charter, "Bitstream Charter", "Sitka Text", Cambria, '
                       'Georgia, "DejaVu Serif", serif'),
    FontChoice.ROUNDED: ('ui-rounded, "Hiragino Maru Gothic ProN", Quicksand, '
                         'Comfortaa, Manjari, "Arial Rounded MT", Calibri, '
                         'source-sans-pro, sans-serif'),
}
# Order of the footer and page links.
PAGE_KINDS = [kind.value for kind in LegalPageKind]


def admin_stylesheet(request: HttpRequest) -> str:
    """The stylesheet for Kedai's own plain-form admin pages."""
    return static("shopsettings/admin.css")


@dataclass(frozen=True)
class Theme:
    brand: str
    accent: str
    font: str
    favicon_url: str
    version: str

    @property
    def font_stack(self) -> str:
        return FONT_STACKS.get(self.font, FONT_STACKS[FontChoice.SYSTEM])


@dataclass(frozen=True)
class SellerDetails:
    """What the Consumer Protection (Electronic Trade Transactions)
    Regulations 2012 require on the shop's pages."""

    name: str
    registration: str
    address: str
    phone: str
    email: str

    @property
    def values(self) -> dict[str, str]:
        return {"legal_name": self.name, "registration": self.registration,
                "address": self.address, "phone": self.phone, "email": self.email}


def _contrast_text(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (WCAG luminance)."""
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#ffffff" if (1.05 / (luminance + 0.05)) >= 4.5 else "#111111"


def theme_get() -> Theme:
    """The owner's theme (defaults without a row), cached per catalogue version."""
    key = f"shop-theme:{catalog_version()}"
    theme = cache.get(key)
    if theme is None:
        row = ThemeSettings.objects.order_by("id").first() or ThemeSettings()
        brand = row.brand_colour if HEX_COLOUR.match(row.brand_colour) else "#1f4d3a"
        accent = row.accent_colour if HEX_COLOUR.match(row.accent_colour) else "#c2410c"
        favicon = (f"{settings.MEDIA_URL}{row.favicon.name}" if row.favicon
                   else static("kedai/favicon.svg"))
        digest = hashlib.sha256(f"{brand}{accent}{row.font}".encode()).hexdigest()[:12]
        theme = Theme(brand=brand.lower(), accent=accent.lower(), font=row.font,
                      favicon_url=favicon, version=digest)
        cache.set(key, theme, 3600)
    return theme


def seller_details_get() -> SellerDetails | None:
    """The seller's details for page footers, or None before they are set."""
    key = f"shop-seller:{catalog_version()}"
    details = cache.get(key)
    if details is None:
        seller = seller_profile_get()
        if seller is None:
            details = False
        else:
            states = dict(STATES)
            lines = [seller.address_line1, seller.address_line2,
                     f"{seller.postcode} {seller.city}".strip(),
                     states.get(seller.state_code, seller.state_code)]
            details = SellerDetails(
                name=seller.legal_name, registration=seller.registration_number,
                address=", ".join(x for x in lines if x), phone=seller.phone,
                email=seller.email)
        cache.set(key, details, 3600)
    return details or None


def theme(request: HttpRequest) -> dict:
    """Context processor for storefront pages: the theme's stylesheet and
    favicon addresses (versioned, no query: a page pays nothing for its
    theme), ``seller`` (read when a footer is rendered, then cached) and
    ``shop_pages`` (the footer's links)."""
    if not getattr(request, "is_storefront", False):
        return {}
    root = getattr(request, "root_script_prefix", "/")
    version = catalog_version()
    return {"theme_css_url": f"{root}theme.css?v={version}",
            "theme_favicon_url": f"{root}favicon?v={version}",
            "seller": SimpleLazyObject(lambda: seller_details_get() or {}),
            "shop_pages": SimpleLazyObject(_page_links)}


def _page_links() -> list[tuple[str, str]]:
    """The footer's links: the pages' standard names in the current language
    (the owner's own title heads the page itself), no query."""
    titles = TITLES["ms" if (get_language() or "").startswith("ms") else "en"]
    return [(kind, titles[kind]) for kind in PAGE_KINDS]


def shop_page_text(kind: str, language: str) -> tuple[str, str]:
    """The title and Markdown text of a trust page in ``language`` (en/ms),
    placeholders filled."""
    from kedai.catalog.selectors import navigation_get

    row = LegalPage.objects.filter(kind=kind).first()
    title = getattr(row, f"title_{language}", "") or TITLES[language][kind]
    body = getattr(row, f"body_{language}", "") or BODIES[language][kind]

    seller = seller_details_get()
    values = dict(seller.values if seller else {})
    values["shop"] = navigation_get().front_page.store_name
    for name in ("legal_name", "registration", "address", "phone", "email"):
        values[name] = values.get(name) or "—"
    return title, fill(body, values)


@require_safe
def shop_page(request: HttpRequest, kind: str) -> HttpResponse:
    """A trust page (terms, returns, shipping, privacy, contact, about)."""
    if kind not in PAGE_KINDS:
        raise Http404("unknown page")
    language = "ms" if (get_language() or "").startswith("ms") else "en"
    title, text = shop_page_text(kind, language)
    return render(request, "storefront/page.html", {
        "page_kind": kind, "page_title": title, "page_html": render_markdown(text)})


@require_safe
def theme_css(request: HttpRequest) -> HttpResponse:
    """The owner's colours and font as CSS custom properties."""
    t = theme_get()
    css = (
        ":root{"
        f"--k-brand:{t.brand};--k-on-brand:{_contrast_text(t.brand)};"
        f"--k-accent:{t.accent};--k-on-accent:{_contrast_text(t.accent)};"
        f"--k-font:{t.font_stack};"
        f"--pico-primary:{t.brand};--pico-primary-background:{t.brand};"
        f"--pico-primary-border:{t.brand};--pico-primary-hover:{t.brand};"
        f"--pico-primary-hover-background:{t.brand};"
        f"--pico-primary-inverse:{_contrast_text(t.brand)};"
        f"--pico-font-family:{t.font_stack};"
        "}\n"
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    # Pages link it with ?v=<catalogue version>, which every theme change
    # bumps; the short life covers a version cache that was emptied.
    patch_cache_control(response, public=True, max_age=600)
    return response


@require_safe
def theme_favicon(request: HttpRequest) -> HttpResponse:
    """The owner's favicon, or Kedai's."""
    response = HttpResponseRedirect(theme_get().favicon_url)
    patch_cache_control(response, public=True, max_age=600)
    return response
