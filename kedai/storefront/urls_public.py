"""Language-neutral endpoints other websites embed (CORS allowed for GET)."""

from django.urls import path

from kedai.storefront.views import embed

app_name = "embed"
urlpatterns = [
    path("embed/search.js", embed.search_js, name="search_js"),
    path("embed/suggest.json", embed.suggest, name="suggest"),
]
