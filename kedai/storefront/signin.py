"""The two ways a returning customer identifies, shared by the checkout's
sign-in step and the account sign-in page: password, or emailed link."""

from django.utils.translation import gettext as _

from kedai.core.ratelimit import client_address, rate_limit_exceeded
from kedai.customers import services as customers
from kedai.customers.exceptions import CustomerError
from kedai.customers.models import Customer
from kedai.storefront.checkout_forms import SignInForm, SignInLinkForm
from kedai.storefront.clients import mail_client
from kedai.storefront.shopper import root_url

# Password attempts per customer identifier and per client address.
SIGN_INS_PER_15_MINUTES = 10


def password_sign_in_allowed(request, identifier: str) -> bool:
    """Count one password attempt; False once this client or this account
    made too many (guessing passwords). The account is the customer the
    identifier names, so trying her ID and her email share one count."""
    client = client_address(request)
    customer = customers.customer_find(identifier=identifier)
    who = (f"customer:{customer.pk}" if customer is not None
           else identifier.strip().lower()[:254])
    limit, window = SIGN_INS_PER_15_MINUTES, 900
    over_client = rate_limit_exceeded(key=f"signin:ip:{client}", limit=limit,
                                      window_seconds=window)
    over_account = rate_limit_exceeded(key=f"signin:id:{who}", limit=limit,
                                       window_seconds=window)
    return not (over_client or over_account)


def password_sign_in(request, form: SignInForm) -> tuple[Customer | None, int]:
    """Check a posted sign-in form: the customer and 200, or None with the
    error on the form and the status to answer (422, or 429 when
    throttled)."""
    if not form.is_valid():
        return None, 422
    identifier = form.cleaned_data["identifier"]
    if not password_sign_in_allowed(request, identifier):
        form.add_error(None, _("Too many attempts. Please wait 15 minutes, "
                               "or ask for a sign-in link by email."))
        return None, 429
    customer = customers.customer_authenticate(
        identifier=identifier, password=form.cleaned_data["password"])
    if customer is None:
        form.add_error(None, _("That customer ID or email and password "
                               "do not match."))
        return None, 422
    return customer, 200


def sign_in_link_send(request, form: SignInLinkForm,
                      checkout_id: int | None = None) -> tuple[bool, int]:
    """Email a sign-in link for a posted link form: (sent, status). The
    answer is the same whether or not the email is a customer's."""
    if not form.is_valid():
        return False, 422
    try:
        customers.signin_link_send(
            email=form.cleaned_data["email"], checkout_id=checkout_id,
            client=mail_client(request),
            build_url=lambda token: request.build_absolute_uri(
                root_url(request, "storefront:signin_link", token=token)))
    except CustomerError as exc:
        form.add_error(None, exc.message)
        return False, 429 if exc.code == "rate_limited" else 422
    return True, 200
