"""Shopper pages. Each is also served under /s/<token>/ (a cart's pages)."""

from django.urls import path, re_path

from kedai.core.tokens import TOKEN_PATTERN
from kedai.storefront.views import account, cart, checkout, orders, pages, promotions

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
    path("checkout/start/", checkout.checkout_start, name="checkout_start"),
    re_path(rf"^checkout/(?P<token>{TOKEN_PATTERN})/$",
            checkout.checkout_identify, name="checkout_identify"),
    re_path(rf"^checkout/(?P<token>{TOKEN_PATTERN})/sign-in-link/$",
            checkout.checkout_signin_link, name="checkout_signin_link"),
    re_path(rf"^checkout/(?P<token>{TOKEN_PATTERN})/details/$",
            checkout.checkout_details, name="checkout_details"),
    re_path(rf"^checkout/(?P<token>{TOKEN_PATTERN})/delivery/$",
            checkout.checkout_delivery, name="checkout_delivery"),
    re_path(rf"^checkout/(?P<token>{TOKEN_PATTERN})/review/$",
            checkout.checkout_review, name="checkout_review"),
    re_path(rf"^order/(?P<token>{TOKEN_PATTERN})/$", orders.order_detail,
            name="order"),
    path("orders/lookup/", orders.order_lookup, name="order_lookup"),
    path("account/", account.account_sign_in, name="account_sign_in"),
    re_path(rf"^sign-in/(?P<token>{TOKEN_PATTERN})/$", account.signin_link,
            name="signin_link"),
    re_path(rf"^account/(?P<token>{TOKEN_PATTERN})/$", account.account,
            name="account"),
    re_path(rf"^account/(?P<token>{TOKEN_PATTERN})/password/$",
            account.account_password, name="account_password"),
    re_path(rf"^account/(?P<token>{TOKEN_PATTERN})/preferences/$",
            account.account_preferences, name="account_preferences"),
    re_path(rf"^account/(?P<token>{TOKEN_PATTERN})/addresses/"
            r"(?P<address_id>\d+)/delete/$",
            account.account_address_delete, name="account_address_delete"),
    re_path(rf"^account/(?P<token>{TOKEN_PATTERN})/sign-out/$",
            account.account_sign_out, name="account_sign_out"),
]

# Voucher codes (kedai.promotions) on the cart and the review page.
urlpatterns += [
    path("cart/code/", promotions.cart_code, name="cart_code"),
    re_path(rf"^checkout/(?P<token>{TOKEN_PATTERN})/code/$",
            promotions.checkout_code, name="checkout_code"),
]
