"""Copy-paste HTML that puts the shop's search box on other websites."""

from django.urls import reverse
from django.utils.html import escape


def search_snippets(origin: str) -> tuple[str, str]:
    """Return (plain GET form, embeddable script tag) for the shop at ``origin``."""
    action = escape(origin + reverse("storefront:search"))
    form = (
        f'<form role="search" method="get" action="{action}">\n'
        '  <label for="kedai-q">Search our shop</label>\n'
        '  <input type="search" id="kedai-q" name="q" maxlength="1000">\n'
        '  <button type="submit">Search</button>\n'
        "</form>"
    )
    script = (f'<div data-kedai-search></div>\n<script src="'
              f'{escape(origin + reverse("embed:search_js"))}" async></script>')
    return form, script
