"""Customer accounts without cookies (ARCHITECTURE.md §3).

A customer reaches their account pages through a short-lived token in the
URL (``/account/<token>/``), handed out after a password sign-in or after
following a one-time sign-in link from their email. Sign-in links are used
up by a POST from their landing page, never by the GET itself, so an email
scanner that prefetches links cannot burn them.
"""

from functools import wraps

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kedai.checkout.models import Checkout
from kedai.checkout.services import checkout_sign_in, order_token
from kedai.core.privacy import capability_page
from kedai.customers import services as customers
from kedai.customers.models import Address
from kedai.storefront.checkout_forms import PasswordForm, SignInForm, SignInLinkForm
from kedai.storefront.shopper import root_url
from kedai.storefront.signin import password_sign_in, sign_in_link_send
from kedai.storefront.views.cart import SeeOther

ORDERS_SHOWN = 50


def _account_url(request, token: str, name: str = "account", **kwargs) -> str:
    return root_url(request, f"storefront:{name}", token=token, **kwargs)


def _expired(request):
    return render(request, "storefront/message.html", {
        "title": _("This sign-in has expired"),
        "text": _("For your safety, account links work for a short time only. "
                  "Sign in again or ask for a new link."),
        "account": True,
    }, status=404)


@csrf_exempt  # cookieless: the middleware checks Origin / Sec-Fetch-Site
@require_http_methods(["GET", "POST"])
@capability_page
def account_sign_in(request):
    """Sign in with customer ID or email and password, or ask for a link."""
    form, link_form = SignInForm(), SignInLinkForm()
    status, link_sent = 200, False
    if request.method == "POST" and "email" in request.POST:
        link_form = SignInLinkForm(request.POST)
        link_sent, status = sign_in_link_send(request, link_form)
    elif request.method == "POST":
        form = SignInForm(request.POST)
        customer, status = password_sign_in(request, form)
        if customer is not None:
            token = customers.account_access_issue(customer=customer)
            return SeeOther(_account_url(request, token))
    return render(request, "storefront/account/sign_in.html", {
        "form": form, "link_form": link_form, "link_sent": link_sent},
        status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@capability_page
def signin_link(request, token):
    """The landing page of an emailed sign-in link: a button that uses it.

    The link opens the checkout it was asked from (signed in, with a new
    checkout token) if that checkout is still open, else the account pages.
    """
    if request.method == "GET":
        link = customers.signin_link_get(token=token)
        if link is None:
            return _link_dead(request)
        return render(request, "storefront/account/sign_in_link.html",
                      {"customer": link.customer})
    link = customers.signin_link_use(token=token)
    if link is None:
        return _link_dead(request)
    if link.checkout_id is not None:
        checkout = Checkout.objects.filter(pk=link.checkout_id,
                                           status=Checkout.Status.OPEN).first()
        if checkout is not None:
            new = checkout_sign_in(checkout=checkout, customer=link.customer)
            return SeeOther(root_url(request, "storefront:checkout_details",
                                     token=new))
    access = customers.account_access_issue(customer=link.customer)
    return SeeOther(_account_url(request, access))


def _link_dead(request):
    return render(request, "storefront/message.html", {
        "title": _("This sign-in link has expired"),
        "text": _("Sign-in links work once and for a short time only. "
                  "Ask for a new one."),
        "account": True,
    }, status=404)


def account_page(view):
    """An account page: the customer of a live account token, or the
    "expired" page."""

    @csrf_exempt  # cookieless: the middleware checks Origin / Sec-Fetch-Site
    @capability_page
    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        customer = customers.account_access_get(token=token)
        if customer is None:
            return _expired(request)
        return view(request, customer, token, *args, **kwargs)

    return wrapper


def _account_context(request, customer, token, **extra) -> dict:
    orders = list(customer.orders.order_by("-created_at")[:ORDERS_SHOWN])
    for order in orders:
        order.page_url = root_url(request, "storefront:order",
                                  token=order_token(order.checkout_key))
    return {
        "customer": customer, "token": token, "orders": orders,
        "addresses": Address.objects.filter(customer=customer),
        "password_form": PasswordForm(has_password=bool(customer.password)),
        "account_url": _account_url(request, token),
        "password_url": _account_url(request, token, "account_password"),
        "preferences_url": _account_url(request, token, "account_preferences"),
        "sign_out_url": _account_url(request, token, "account_sign_out"),
        **extra,
    }


@require_http_methods(["GET"])
@account_page
def account(request, customer, token):
    """Orders, saved addresses, email preferences and password."""
    return render(request, "storefront/account/account.html",
                  _account_context(request, customer, token))


@require_POST
@account_page
def account_password(request, customer, token):
    form = PasswordForm(request.POST, has_password=bool(customer.password))
    if form.is_valid():
        try:
            customers.customer_set_password(
                customer=customer, password=form.cleaned_data["password"],
                current_password=form.cleaned_data.get("current_password"),
                keep_token=token)
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                form.add_error(field, errors)
        else:
            return render(request, "storefront/account/account.html",
                          _account_context(request, customer, token, notice=_(
                              "Your password is saved.")))
    return render(request, "storefront/account/account.html",
                  _account_context(request, customer, token, password_form=form),
                  status=422)


@require_POST
@account_page
def account_preferences(request, customer, token):
    consent = request.POST.get("marketing_consent") == "on"
    customers.customer_set_marketing_consent(customer=customer, consent=consent)
    return SeeOther(_account_url(request, token))


@require_POST
@account_page
def account_address_delete(request, customer, token, address_id):
    customers.customer_address_delete(customer=customer, address_id=address_id)
    return SeeOther(_account_url(request, token))


@require_POST
@account_page
def account_sign_out(request, customer, token):
    customers.account_sign_out(token=token)
    return render(request, "storefront/message.html", {
        "title": _("Signed out"),
        "text": _("This account link no longer works. Sign in again at any time."),
        "account": True,
    })
