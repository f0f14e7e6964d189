"""Payment URLs, mounted at /pay/ (kedai.conf.urls).

``/pay/callback/`` and ``/pay/return/`` accept cross-site POSTs (the
storefront middleware lets them through): gateways post there from their
own sites, and each request is proved by the gateway's signature or by a
status query instead.
"""

from django.urls import URLPattern, path, re_path

from kedai.core.tokens import TOKEN_PATTERN
from kedai.payments import views

app_name = "payments"
urlpatterns: list[URLPattern] = [
    re_path(rf"^(?P<token>{TOKEN_PATTERN})/start/$", views.payment_start_view,
            name="start"),
    re_path(rf"^return/(?P<gateway>[a-z0-9_]+)/(?P<token>{TOKEN_PATTERN})/$",
            views.payment_return_view, name="return"),
    # For gateways whose return URL is fixed in their dashboard (senangPay):
    # the payment is identified by the gateway's signed parameters.
    path("return/<slug:gateway>/", views.payment_return_signed_view,
         name="return_signed"),
    path("callback/<slug:gateway>/", views.payment_callback_view, name="callback"),
]
