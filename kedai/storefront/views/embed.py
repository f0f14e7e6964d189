"""Search boxes on other websites: a script and its JSON suggestions.

Both are public, cookieless and allowed cross-origin for GET, so the
merchant can paste one ``<script>`` tag into any site.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from kedai.catalog import selectors
from kedai.core.money import format_money
from kedai.storefront.forms import ListingForm


class _HtmlSafeEncoder(DjangoJSONEncoder):
    """JSON that stays inert even if a page mistakenly inlines it as HTML."""

    def encode(self, o):
        return (super().encode(o).replace("<", "\\u003c").replace(">", "\\u003e")
                .replace("&", "\\u0026"))


def _cors(response, max_age):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET"
    patch_cache_control(response, public=True, max_age=max_age)
    return response


@require_safe
def search_js(request):
    response = render(request, "storefront/embed/search.js",
                      content_type="application/javascript; charset=utf-8")
    return _cors(response, 3600)


@require_safe
def suggest(request):
    """``{"query", "search_url", "results": [{name, url, price, image}]}``."""
    text = ListingForm(request.GET).valid_value("q", "")
    results = selectors.product_suggestions(text=text) if text.strip() else []
    absolute = request.build_absolute_uri
    payload = {
        "query": text,
        "search_url": absolute(reverse("storefront:search")),
        "results": [
            {
                "name": s.name,
                "url": absolute(reverse("storefront:product",
                                        kwargs={"slug": s.slug})),
                "price": format_money(s.price, settings.KEDAI_CURRENCY)
                if s.price is not None else "",
                "image": absolute(f"{settings.MEDIA_URL}{s.thumbnail}")
                if s.thumbnail else absolute(static("kedai/placeholder.svg")),
            }
            for s in results
        ],
    }
    return _cors(JsonResponse(payload, encoder=_HtmlSafeEncoder), 60)
