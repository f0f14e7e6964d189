"""Payment views: thin adapters between browsers or gateways and services.

* start: the order page's "Pay" button; redirects (or auto-posts) to the
  gateway's hosted page.
* return: where the shopper's browser comes back; never marks anything
  paid by itself, it shows the state after a status query.
* callback: the gateway's server-to-server message, the source of truth.

The storefront sets no cookies, so POSTs are exempt from Django's cookie
CSRF check; ShopperTokenMiddleware checks Origin/Sec-Fetch-Site on the
start view, and callbacks and returns are proved by signature or query.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kedai.core.privacy import capability_page
from kedai.orders.selectors import order_get_by_token
from kedai.orders.tokens import order_token
from kedai.payments import callbacks, services
from kedai.payments.exceptions import CallbackRejected, PaymentError
from kedai.payments.models import Payment
from kedai.payments.ports import Incoming
from kedai.payments.selectors import payment_context

logger = logging.getLogger("kedai.payments")

_KEPT_HEADERS = ("Content-Type", "Stripe-Signature", "User-Agent")


def _incoming(request: HttpRequest) -> Incoming:
    # The raw bytes first: Stripe signs them, and they must be read before
    # the form is parsed.
    body = request.body if request.method == "POST" else b""
    source = request.POST if request.method == "POST" else request.GET
    return Incoming(method=request.method or "GET",
                    data={key: source.get(key, "") for key in source},
                    body=body,
                    headers={k: v for k, v in request.headers.items()
                             if k in _KEPT_HEADERS})


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "payments/message.html", {
        "title": _("Payment not found"),
        "text": _("This payment link is not valid."),
    }, status=404)


@csrf_exempt  # cookieless: the middleware checks Origin / Sec-Fetch-Site
@require_POST
@capability_page
def payment_start_view(request: HttpRequest, token: str) -> HttpResponse:
    order = order_get_by_token(token=token)
    if order is None:
        return _not_found(request)
    method = request.POST.get("method") or order.payment_method
    try:
        started = services.payment_start(order=order, method=method,
                                         site_url=request.build_absolute_uri("/"))
    except PaymentError as exc:
        context = payment_context(order, token)
        context.update({"title": _("Payment not started"), "error": exc.message})
        return render(request, "payments/start_failed.html", context,
                      status=503 if exc.code == "gateway" else 409)
    redirect = started.redirect
    # Always a page with a form to the gateway, never a 303: browsers apply
    # the order page's CSP form-action ('self') to a redirect that follows
    # its form, so a cross-site 303 would be blocked. This page's own CSP
    # names the gateway's origin. A GET form drops the action's query
    # string, so the query goes into hidden fields.
    parts = urlsplit(redirect.url)
    fields = redirect.fields
    action = redirect.url
    if redirect.method == "GET":
        fields = tuple(parse_qsl(parts.query, keep_blank_values=True))
        # The fragment stays: a GET form keeps its action's fragment, and
        # Stripe's Checkout URL needs it (docs.stripe.com/api/checkout/
        # sessions/object, "url").
        action = urlunsplit((parts.scheme, parts.netloc, parts.path, "",
                             parts.fragment))
    response = render(request, "payments/redirect.html", {
        "redirect": redirect, "action": action, "fields": fields,
        "method": "get" if redirect.method == "GET" else "post", "order": order})
    origin = f"{parts.scheme}://{parts.netloc}"
    response["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        f"script-src 'self'; form-action 'self' {origin}; "
        "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
    return response


def _return_page(request: HttpRequest, payment: Payment) -> HttpResponse:
    order = payment.order
    return render(request, "payments/return.html", {
        "payment": payment, "order": order,
        "order_url": reverse("storefront:order",
                             kwargs={"token": order_token(order.checkout_key)}),
        "paid": payment.pays_order, "status": payment.status,
    })


@csrf_exempt  # gateways post the browser back from their own site
@require_http_methods(["GET", "POST"])
@capability_page
def payment_return_view(request: HttpRequest, gateway: str, token: str) -> HttpResponse:
    payment = callbacks.payment_get_by_return_token(gateway=gateway, token=token)
    if payment is None:
        return _not_found(request)
    payment = callbacks.payment_handle_return(payment=payment,
                                             incoming=_incoming(request))
    return _return_page(request, payment)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@capability_page
def payment_return_signed_view(request: HttpRequest, gateway: str) -> HttpResponse:
    incoming = _incoming(request)
    payment = callbacks.payment_identify_signed_return(gateway=gateway,
                                                      incoming=incoming)
    if payment is None:
        return render(request, "payments/message.html", {
            "title": _("Checking your payment"),
            "text": _("We could not confirm this payment from the link. If you "
                      "paid, your order page will show it as soon as the "
                      "payment service tells us."),
        }, status=400)
    payment = callbacks.payment_handle_return(payment=payment, incoming=incoming)
    return _return_page(request, payment)


@csrf_exempt  # server to server; proved by the gateway's signature
@require_POST
def payment_callback_view(request: HttpRequest, gateway: str) -> HttpResponse:
    try:
        ack = callbacks.payment_handle_callback(gateway=gateway,
                                               incoming=_incoming(request))
    except CallbackRejected as exc:
        return HttpResponse(f"rejected: {exc.reason}\n", status=exc.status,
                            content_type="text/plain")
    return HttpResponse(ack.body, status=ack.status, content_type=ack.content_type)
