"""Shopper pages. Each is also served under /s/<token>/ (a cart's pages)."""

from django.urls import path

from kedai.storefront.views import cart, pages

app_name = "storefront"
urlpatterns = [
    path("", pages.home, name="home"),
    path("c/<slug:slug>/", pages.category, name="category"),
    path("p/<slug:slug>/", pages.product, name="product"),
    path("search/", pages.search, name="search"),
    path("search/suggest/", pages.search_suggest, name="search_suggest"),
    path("cart/", cart.cart_detail, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/lines/<int:line_id>/", cart.cart_line, name="cart_line"),
    path("cart/email/", cart.cart_email, name="cart_email"),
]
