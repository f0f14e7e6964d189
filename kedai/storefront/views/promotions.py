"""Codes on the cart and on the checkout's review page (no JavaScript needed).

A plain form posts the code; the answer is a redirect back to the page,
which shows the outcome (``?promo=added|removed|error&code=…``). The
message of a refused code is worked out again from the code when the page
is shown, so nothing about it is stored and nothing changes.
"""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kedai.checkout import services as checkout_services
from kedai.checkout.models import Checkout
from kedai.core.privacy import capability_page
from kedai.promotions import services as promotions
from kedai.promotions.exceptions import VoucherError
from kedai.storefront.views.cart import SeeOther, cart_post

# Enough of a refused code to say why (a code is at most 32 characters).
ECHO_LIMIT = 64


def _apply(request, cart, url: str, *, email: str = "") -> SeeOther:
    code = request.POST.get("code", "")
    if request.POST.get("action") == "remove":
        promotions.cart_code_remove(cart=cart, code=code)
        query = {"promo": "removed", "code": code[:ECHO_LIMIT]}
    else:
        try:
            voucher = promotions.cart_code_apply(cart=cart, code=code)
        except VoucherError:
            query = {"promo": "error", "code": code[:ECHO_LIMIT]}
        else:
            query = {"promo": "added", "code": voucher.code}
    return SeeOther(f"{url}?{urlencode(query)}#promo-code")


@cart_post
def cart_code(request, cart):
    """Add (or with ``action=remove`` take off) a code on the cart."""
    return _apply(request, cart, reverse("storefront:cart"))


@csrf_exempt  # cookieless: the middleware checks Origin / Sec-Fetch-Site
@require_POST
@capability_page
def checkout_code(request, token):
    """Add or take off a code from the review page of a checkout."""
    checkout = checkout_services.checkout_get(token=token)
    if checkout is None or checkout.status != Checkout.Status.OPEN:
        return render(request, "storefront/message.html", {
            "title": _("Checkout not found"),
            "text": _("This checkout link is not valid. Go back to your cart "
                      "and start the checkout again."),
        }, status=404)
    # Back to the review page by the way it came (under the cart's token
    # or not), as the checkout's steps do.
    url = reverse("storefront:checkout_review", kwargs={"token": token})
    return _apply(request, checkout.cart, url, email=checkout.email)
