"""The shopper's order page (its own token URL) and the order lookup."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from kedai.checkout.services import order_token
from kedai.core.privacy import capability_page
from kedai.core.ratelimit import rate_limit_exceeded
from kedai.invoicing.selectors import document_list
from kedai.orders import selectors
from kedai.payments.selectors import payment_context
from kedai.shipping.selectors import tracking_links
from kedai.storefront.forms import OrderLookupForm

LOOKUPS_PER_HOUR = 10


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

    Limited per client address and per order number, so neither the
    numbers nor the emails can be guessed by trying.
    """
    form = OrderLookupForm(request.POST or None)
    link = None
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"]
        client = request.META.get("REMOTE_ADDR", "")
        if (rate_limit_exceeded(key=f"lookup:ip:{client}", limit=LOOKUPS_PER_HOUR,
                                window_seconds=3600)
                or rate_limit_exceeded(key=f"lookup:no:{number}",
                                       limit=LOOKUPS_PER_HOUR, window_seconds=3600)):
            form.add_error(None, _("Too many attempts. Please try again in an hour."))
        else:
            order = selectors.order_find(number=number,
                                         email=form.cleaned_data["email"])
            if order is None:
                form.add_error(None, _("No order matches that number and email."))
            else:
                link = request.build_absolute_uri(reverse(
                    "storefront:order",
                    kwargs={"token": order_token(order.checkout_key)}))
    status = 422 if form.errors else 200
    return render(request, "storefront/order_lookup.html",
                  {"form": form, "link": link}, status=status)
