"""The shopper's order page (its own token URL) and the order lookup."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from kedai.checkout.services import order_token
from kedai.core.privacy import capability_page
from kedai.core.ratelimit import (
    client_address,
    rate_limit_blocked,
    rate_limit_exceeded,
    rate_limit_record,
)
from kedai.invoicing.selectors import document_list
from kedai.orders import selectors
from kedai.payments.selectors import payment_context
from kedai.shipping.selectors import tracking_links
from kedai.storefront.forms import OrderLookupForm

# Lookups per client address an hour, and failed lookups of one order
# number an hour from all clients together: high, so that strangers
# trying emails cannot easily lock the order's owner out.
LOOKUPS_PER_HOUR = 10
FAILED_LOOKUPS_PER_NUMBER_PER_HOUR = 100
LOOKUP_WINDOW_SECONDS = 3600


@require_safe
@capability_page
def order_detail(request, token):
    order = selectors.order_get_by_token(token=token)
    if order is None:
        return render(request, "storefront/message.html", {
            "title": _("Order not found"),
            "text": _("This order link is not valid. Use the order lookup with "
                      "your order number and email."),
            "lookup": True,
        }, status=404)
    return render(request, "storefront/order.html", {
        "order": order, "tracking": tracking_links(order=order),
        "token": token, "documents": document_list(order=order),
        **payment_context(order, token)})


@csrf_exempt  # cookieless: the middleware checks Origin / Sec-Fetch-Site
@require_http_methods(["GET", "POST"])
@capability_page
def order_lookup(request):
    """Find an order by number and email; shows its link when both match.

    Limited per client address (every attempt counts) and, much more
    loosely, per order number (failures only), so neither the numbers nor
    the emails can be guessed by trying. Over a limit: 429 and Retry-After.
    """
    form = OrderLookupForm(request.POST or None)
    link = None
    status = 200
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"]
        number_key = f"lookup:no:{number}"
        if (rate_limit_exceeded(key=f"lookup:ip:{client_address(request)}",
                                limit=LOOKUPS_PER_HOUR,
                                window_seconds=LOOKUP_WINDOW_SECONDS)
                or rate_limit_blocked(key=number_key,
                                      limit=FAILED_LOOKUPS_PER_NUMBER_PER_HOUR)):
            form.add_error(None, _("Too many attempts. Please try again in an hour."))
            status = 429
        else:
            order = selectors.order_find(number=number,
                                         email=form.cleaned_data["email"])
            if order is None:
                rate_limit_record(key=number_key,
                                  window_seconds=LOOKUP_WINDOW_SECONDS)
                form.add_error(None, _("No order matches that number and email."))
            else:
                link = request.build_absolute_uri(reverse(
                    "storefront:order",
                    kwargs={"token": order_token(order.checkout_key)}))
    if form.errors and status == 200:
        status = 422
    response = render(request, "storefront/order_lookup.html",
                      {"form": form, "link": link}, status=status)
    if status == 429:
        response["Retry-After"] = str(LOOKUP_WINDOW_SECONDS)
    return response
