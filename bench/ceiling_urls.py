"""Kedai's URLs plus ``/__ceiling__/``: the cheapest page Django can serve.

The ceiling view renders a small template string with Django's template
engine: no database, no context processors. Its throughput through the
full middleware stack is the upper bound the storefront pages are compared
with. (``kedai.conf.urls`` uses ``i18n_patterns``, which may not be
``include()``-d, so its patterns and error handlers are re-exported here.)
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from kedai.conf import urls as kedai_urls

_TEMPLATE = engines["django"].from_string(
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>{{ title }}</title></head><body><h1>{{ title }}</h1>"
    "<ul>{% for item in items %}<li>{{ item.name }}: RM {{ item.price }}</li>"
    "{% endfor %}</ul></body></html>"
)
_ITEMS = [{"name": f"Item {i}", "price": f"{i * 3}.90"} for i in range(1, 11)]


def ceiling(request):
    html = _TEMPLATE.render({"title": "Ceiling", "items": _ITEMS})
    return HttpResponse(html)


urlpatterns = [path("__ceiling__/", ceiling), *kedai_urls.urlpatterns]

handler400 = kedai_urls.handler400
handler403 = kedai_urls.handler403
handler404 = kedai_urls.handler404
handler500 = kedai_urls.handler500
