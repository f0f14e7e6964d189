"""Headers for pages reached by a capability URL (ARCHITECTURE.md §3).

Shared by every interface that serves such a page: the storefront, and the
order pages of payments and invoicing.
"""

from functools import wraps

PRIVATE_HEADERS = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


def make_private(response):
    """Keep the page out of caches, search engines and Referer headers."""
    for name, value in PRIVATE_HEADERS.items():
        response[name] = value
    return response


def capability_page(view):
    """A view whose URL carries a secret token of its own (order pages)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return make_private(view(request, *args, **kwargs))

    return wrapper
