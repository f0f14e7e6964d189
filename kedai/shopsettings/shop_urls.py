"""The shop's trust pages on the storefront (under the language prefix and
any cart token, like every storefront page)."""

from django.urls import path

from kedai.shopsettings.theme import shop_page

app_name = "shop"
urlpatterns = [
    path("pages/terms/", shop_page, {"kind": "terms"}, name="terms"),
    path("pages/<slug:kind>/", shop_page, name="page"),
]
