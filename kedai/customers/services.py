"""Customer writes: the customer data file, passwords, sign-in tokens,
saved addresses (ARCHITECTURE.md §3: accounts without cookies)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kedai.core.numbering import number_allocate
from kedai.core.ratelimit import rate_limit_exceeded
from kedai.core.tokens import is_well_formed, new_token, token_hash
from kedai.customers.addressing import PostalAddress, normalise_email
from kedai.customers.exceptions import CustomerError
from kedai.customers.models import Address, Customer, SignInToken
from kedai.notifications.exceptions import MessageObsolete, SealError
from kedai.notifications.rendering import Rendered
from kedai.notifications.sealing import seal, unseal
from kedai.notifications.services import message_queue

CUSTOMER_SERIES = "C"
MAX_SAVED_ADDRESSES = 10
LINKS_PER_EMAIL_PER_HOUR = 5
LINKS_PER_CLIENT_PER_HOUR = 10  # per requesting network address
LINK_MAIL_SOURCE = "customers.sign_in_link"
_CUSTOMER_NUMBER = re.compile(r"^C-?(\d{1,12})$", re.IGNORECASE)


def customer_get_or_create(*, email: str, name: str, phone: str = "") -> Customer:
    """The customer with this email, created (with a C-000123 ID) if new.

    Guests become customers too: the email, lower-cased whole, is the key
    (mailbox providers treat the local part case-insensitively in practice,
    and "Siti@" and "siti@" must not become two customers). An existing
    customer's name and phone are left as they are. Runs in the caller's
    transaction (the number is only used if that transaction commits).
    """
    email = normalise_email(email).lower()
    with transaction.atomic(savepoint=False):
        existing = Customer.objects.filter(email=email).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                return Customer.objects.create(
                    number=number_allocate(series=CUSTOMER_SERIES),
                    email=email, name=name, phone=phone,
                )
        except IntegrityError:
            # The same new customer checked out twice at once.
            return Customer.objects.get(email=email)


def customer_find(*, identifier: str) -> Customer | None:
    """The customer with this customer ID (``C-000123``, ``c000123``) or
    email, or None."""
    text = (identifier or "").strip()
    match = _CUSTOMER_NUMBER.match(text)
    if match:
        number = f"{CUSTOMER_SERIES}-{int(match[1]):06d}"
        return Customer.objects.filter(number=number).first()
    try:
        email = normalise_email(text).lower()
    except ValidationError:
        return None
    return Customer.objects.filter(email=email).first()


def customer_authenticate(*, identifier: str, password: str) -> Customer | None:
    """The customer whose ID or email and password match, else None.

    Unknown customers and customers without a password cost one hash too,
    so the answer's timing does not tell which emails have accounts. A
    hash made with an older hasher is upgraded to Argon2 on success.
    """
    customer = customer_find(identifier=identifier)
    if customer is None or not customer.password:
        make_password(password)  # same work as a real check
        return None

    def upgrade(raw: str) -> None:
        Customer.objects.filter(pk=customer.pk).update(password=make_password(raw))

    if not check_password(password, customer.password, setter=upgrade):
        return None
    return customer


def customer_set_password(*, customer: Customer, password: str,
                          current_password: str | None = None,
                          keep_token: str | None = None) -> None:
    """Set (or change) the customer's password, hashed with Argon2.

    A customer who has a password must give it (``current_password``);
    the new one must pass Django's password validators. Raises
    ValidationError({field: ...}) and changes nothing otherwise. Every
    other open sign-in (account links, unused sign-in links) ends, except
    the account token ``keep_token`` the change was made from.
    """
    if customer.password and not check_password(current_password or "",
                                                 customer.password):
        raise ValidationError(
            {"current_password": _("Your current password is wrong.")})
    try:
        validate_password(password)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    customer.password = make_password(password)
    with transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(password=customer.password,
                                                       updated_at=timezone.now())
        others = SignInToken.objects.filter(customer=customer)
        if keep_token and is_well_formed(keep_token):
            others = others.exclude(token_hash=token_hash(keep_token))
        others.delete()


def customer_set_marketing_consent(*, customer: Customer, consent: bool) -> None:
    customer.marketing_consent = consent
    Customer.objects.filter(pk=customer.pk).update(marketing_consent=consent,
                                                   updated_at=timezone.now())


# --- sign-in links and account access --------------------------------------------


def signin_link_send(*, email: str, build_url: Callable[[str], str], client: str,
                     checkout_id: int | None = None) -> None:
    """Email a one-time sign-in link to the customer with ``email``, if any.

    Says nothing about whether the email belongs to a customer (the caller
    shows the same message either way). ``build_url(token)`` makes the
    absolute link. At most LINKS_PER_EMAIL_PER_HOUR per address, counted
    whether or not it is a customer's, and LINKS_PER_CLIENT_PER_HOUR per
    ``client`` (the requester's network address), so the form cannot be
    used to flood a mailbox; raises CustomerError beyond that.

    The message goes through the outbox (retried while the mail server is
    down); its row keeps the link id and the link sealed with SECRET_KEY
    (kedai.notifications.sealing), never the link itself, and the link is
    put into the text when the message is sent (:func:`signin_link_render`).
    """
    try:
        address = normalise_email(email).lower()
    except ValidationError as exc:
        raise CustomerError(_("Enter a valid email address."), code="email") from exc
    refused = CustomerError(_("Too many sign-in links were asked for this address. "
                              "Please try again in an hour."), code="rate_limited")
    if rate_limit_exceeded(key=f"signin-link:client:{client}",
                           limit=LINKS_PER_CLIENT_PER_HOUR, window_seconds=3600):
        raise refused
    if rate_limit_exceeded(key=f"signin-link:{address}",
                           limit=LINKS_PER_EMAIL_PER_HOUR, window_seconds=3600):
        raise refused
    customer = Customer.objects.filter(email=address).first()
    if customer is None:
        return
    token = new_token()
    with transaction.atomic(savepoint=False):
        link = SignInToken.objects.create(
            customer=customer, kind=SignInToken.Kind.LINK,
            token_hash=token_hash(token), checkout_id=checkout_id,
            expires_at=timezone.now()
            + timedelta(minutes=settings.KEDAI_SIGNIN_LINK_MINUTES))
        message_queue(kind=LINK_MAIL_SOURCE, to=customer.email,
                      subject=_("Your sign-in link"), render_source=LINK_MAIL_SOURCE,
                      render_args={"link": link.pk, "url": seal(build_url(token))})


def signin_link_render(args: dict[str, Any]) -> Rendered:
    """The sign-in-link email (the outbox's renderer for LINK_MAIL_SOURCE).

    Raises MessageObsolete when the link was used, ended or has expired
    meanwhile: mailing it would only confuse.
    """
    link = (SignInToken.objects.select_related("customer")
            .filter(pk=args["link"], kind=SignInToken.Kind.LINK, used_at=None,
                    expires_at__gt=timezone.now()).first())
    if link is None:
        raise MessageObsolete("the sign-in link was used or has expired")
    try:
        url = unseal(args["url"])
    except SealError as exc:
        raise MessageObsolete(f"the sign-in link cannot be opened: {exc}") from exc
    # Sent late (mail server was down): say how long it still works.
    left = int((link.expires_at - timezone.now()).total_seconds() // 60)
    minutes = min(max(left, 1), settings.KEDAI_SIGNIN_LINK_MINUTES)
    body = render_to_string("customers/email_sign_in_link.txt",
                            {"name": link.customer.name, "url": url,
                             "minutes": minutes})
    return Rendered(subject=_("Your sign-in link"), body_text=body, secrets=(url,))


def signin_link_get(*, token: str) -> SignInToken | None:
    """The live (unused, unexpired) sign-in link of ``token``, without
    using it up."""
    if not is_well_formed(token):
        return None
    return (SignInToken.objects.select_related("customer")
            .filter(token_hash=token_hash(token), kind=SignInToken.Kind.LINK,
                    used_at=None, expires_at__gt=timezone.now()).first())


def signin_link_use(*, token: str) -> SignInToken | None:
    """Use up a sign-in link: its row (customer, checkout_id), or None when
    it is unknown, expired or already used. A link works once."""
    if not is_well_formed(token):
        return None
    now = timezone.now()
    with transaction.atomic():
        link = (SignInToken.objects.select_for_update().select_related("customer")
                .filter(token_hash=token_hash(token), kind=SignInToken.Kind.LINK,
                        used_at=None, expires_at__gt=now).first())
        if link is None:
            return None
        link.used_at = now
        link.save(update_fields=["used_at"])
    return link


def account_access_issue(*, customer: Customer) -> str:
    """A new token for the customer's account pages, valid for
    KEDAI_ACCOUNT_ACCESS_MINUTES."""
    token = new_token()
    SignInToken.objects.create(
        customer=customer, kind=SignInToken.Kind.ACCESS, token_hash=token_hash(token),
        expires_at=timezone.now()
        + timedelta(minutes=settings.KEDAI_ACCOUNT_ACCESS_MINUTES))
    return token


def account_access_get(*, token: str) -> Customer | None:
    """The customer of a live account token, or None."""
    if not is_well_formed(token):
        return None
    access = (SignInToken.objects.select_related("customer")
              .filter(token_hash=token_hash(token), kind=SignInToken.Kind.ACCESS,
                      expires_at__gt=timezone.now()).first())
    return access.customer if access else None


def account_sign_out(*, token: str) -> None:
    """End an account token now."""
    if is_well_formed(token):
        SignInToken.objects.filter(token_hash=token_hash(token)).update(
            expires_at=timezone.now())


def sign_in_tokens_purge_expired(*, now=None) -> int:
    """Delete expired sign-in links and account tokens; return how many."""
    deleted, _per_model = SignInToken.objects.filter(
        expires_at__lte=now or timezone.now()).delete()
    return deleted


# --- saved addresses -------------------------------------------------------------


def customer_remember_address(*, customer: Customer, address: PostalAddress) -> Address:
    """Save ``address`` in the customer's address book (once).

    The same address used again is moved to the top rather than saved
    twice; the book keeps the MAX_SAVED_ADDRESSES most recently used.
    """
    fields = asdict(address)
    with transaction.atomic(savepoint=False):
        saved = Address.objects.filter(customer=customer, **fields).first()
        if saved is not None:
            saved.save(update_fields=["updated_at"])
            return saved
        saved = Address.objects.create(customer=customer, **fields)
        stale = list(Address.objects.filter(customer=customer)
                     .values_list("pk", flat=True)[MAX_SAVED_ADDRESSES:])
        if stale:
            Address.objects.filter(pk__in=stale).delete()
    return saved


def customer_address_delete(*, customer: Customer, address_id: int) -> bool:
    """Delete one of the customer's own saved addresses."""
    deleted, _per_model = Address.objects.filter(customer=customer,
                                                 pk=address_id).delete()
    return bool(deleted)


def address_as_postal(address: Address) -> PostalAddress:
    """A saved address as the PostalAddress checkout uses."""
    return PostalAddress(name=address.name, line1=address.line1, line2=address.line2,
                         city=address.city, postcode=address.postcode,
                         state_code=address.state_code, country=address.country,
                         phone=address.phone)
