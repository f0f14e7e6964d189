"""Changing the shop's settings from the back office.

Each entry point is one durable transaction: a refused change leaves
every row as it was. The shop's identity and front page are single rows
of ``invoicing.SellerProfile`` and ``catalog.FrontPage``; the catalogue's
navigation cache is told after the front page changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kedai.catalog.models import Category, FrontPage, Product
from kedai.catalog.services import catalog_changed
from kedai.core.models import NumberSequence
from kedai.core.numbering import number_format
from kedai.invoicing.models import SellerProfile
from kedai.invoicing.services import owner_email
from kedai.notifications.models import Message
from kedai.notifications.services import message_queue
from kedai.shopsettings.exceptions import ShopSettingsError
from kedai.shopsettings.models import (
    EmailWording,
    LegalPage,
    LegalPageKind,
    NumberingStart,
    PaymentMethodSwitch,
    ThemeSettings,
)
from kedai.shopsettings.preview import email_preview
from kedai.shopsettings.selectors import SERIES_PER_YEAR, series_state
from kedai.shopsettings.wording import EVENTS, wording_check

# --- Identity and front page ---------------------------------------------------------


def _front_page() -> FrontPage:
    front = FrontPage.objects.select_for_update().order_by("id").first()
    return front or FrontPage.objects.create(pk=1)


@transaction.atomic(durable=True)
def shop_identity_update(*, seller_fields: dict[str, Any],
                         branding_fields: dict[str, Any]) -> SellerProfile:
    """Save the seller profile (created if missing) and the store's name,
    tagline and logo, both or neither.

    Values must be validated already (``forms.SellerProfileForm`` and
    ``forms.BrandingForm``). A ``logo`` of False removes the logo; None
    keeps it. Documents already issued keep the identity they were issued
    with.
    """
    seller = (SellerProfile.objects.select_for_update().order_by("id").first()
              or SellerProfile())
    for name, value in seller_fields.items():
        setattr(seller, name, value)
    seller.save()
    front = _front_page()
    for name, value in branding_fields.items():
        if name == "logo":
            if value is False:
                front.logo = ""
            elif value:
                front.logo = value
            continue
        setattr(front, name, value)
    front.save()
    transaction.on_commit(catalog_changed)
    return seller


@transaction.atomic(durable=True)
def front_page_update(*, fields: dict[str, Any], featured_categories:
                      Iterable[Category], featured_products:
                      Iterable[Product]) -> FrontPage:
    """Save the banner, announcement, featured items and search-box places.

    Image fields follow the same rule as ``shop_identity_update``. The
    public page cache and navigation are refreshed after commit.
    """
    front = _front_page()
    for name, value in fields.items():
        if name == "hero_image":
            if value is False:
                front.hero_image = ""
            elif value:
                front.hero_image = value
            continue
        setattr(front, name, value)
    front.save()
    front.featured_categories.set(list(featured_categories))
    front.featured_products.set(list(featured_products))
    transaction.on_commit(catalog_changed)
    return front


# --- Payment methods ----------------------------------------------------------------


@transaction.atomic(durable=True)
def payment_method_switch_set(*, code: str, enabled: bool, sandbox: bool,
                              actor: str) -> PaymentMethodSwitch:
    """Offer or withhold payment method ``code`` at checkout and point its
    gateway at the sandbox or at the configured live address.

    Refuses (ShopSettingsError, nothing saved) an unknown code, going live
    without a configured BASE_URL, and withholding the last offered method.
    Changes no credentials and no payment.
    """
    from kedai.payments.gateways.offline import OFFLINE_METHODS

    gateways = getattr(settings, "KEDAI_PAYMENT_GATEWAYS", {}) or {}
    if code not in OFFLINE_METHODS and code not in gateways:
        raise ShopSettingsError(_("Unknown payment method “%(code)s”.")
                                % {"code": code}, code="unknown_method")
    if code in OFFLINE_METHODS:
        sandbox = False
    elif not sandbox and not (gateways[code].get("OPTIONS") or {}).get("BASE_URL"):
        raise ShopSettingsError(
            _("%(code)s has no live address: set its BASE_URL (for example "
              "KEDAI_%(upper)s_URL) and live keys in the environment before "
              "switching it to live.") % {"code": code, "upper": code.upper()},
            code="no_live_url")
    switch, _created = PaymentMethodSwitch.objects.select_for_update().get_or_create(
        code=code)
    switch.enabled, switch.sandbox, switch.updated_by = enabled, sandbox, actor[:150]
    switch.save()
    if not enabled:
        disabled = set(PaymentMethodSwitch.objects.filter(enabled=False)
                       .values_list("code", flat=True))
        offered = [c for c in settings.KEDAI_PAYMENT_METHODS
                   if c not in disabled and (c in OFFLINE_METHODS or c in gateways)]
        if code in settings.KEDAI_PAYMENT_METHODS and not offered:
            # Undo by raising: the durable transaction rolls back the save.
            raise ShopSettingsError(
                _("At least one payment method must stay offered at checkout."),
                code="last_method")
    return switch


# --- Document numbers ---------------------------------------------------------------


@transaction.atomic(durable=True)
def numbering_start_set(*, series: str, year: int, first_number: int, actor: str,
                        today: date) -> str:
    """Make ``first_number`` the first number of ``series`` in ``year``;
    return it formatted (``INV-2027-001000``).

    Only for a series and year in which no number has been handed out yet
    (this year before the first document, or a coming year), and only
    upwards: a number is never lowered, reused or left with a gap after
    issue. Refusals raise ShopSettingsError and change nothing.
    """
    if series not in SERIES_PER_YEAR:
        raise ShopSettingsError(_("Unknown number series."), code="series")
    year = year if SERIES_PER_YEAR[series] else 0
    if SERIES_PER_YEAR[series] and year < today.year:
        raise ShopSettingsError(_("%(year)s is over: only this year or a coming "
                                  "year can get a starting number.")
                                % {"year": year}, code="past_year")
    if SERIES_PER_YEAR[series] and year > today.year + 5:
        raise ShopSettingsError(_("Choose a year within the next five years."),
                                code="far_year")
    if not 1 < first_number <= 10**12:
        raise ShopSettingsError(_("Enter a whole number from 2 up."),
                                code="range")
    # Lock the counter first, so a document issued meanwhile waits for us.
    counter = (NumberSequence.objects.select_for_update()
               .filter(series=series, year=year).first())
    last, issued = series_state(series=series, year=year)
    label = number_format(series=series, year=year or None, value=last + 1)
    if issued:
        raise ShopSettingsError(
            _("Numbers of this series have been issued already (the next is "
              "%(next)s). To keep the series without gaps, a starting number "
              "can only be set before the first one is issued, e.g. for next "
              "year.") % {"next": label}, code="issued")
    if first_number <= last + 1:
        raise ShopSettingsError(
            _("The starting number can only go up: the next number is already "
              "%(next)s, so choose a number above %(value)s.")
            % {"next": label, "value": last + 1}, code="lower")
    if counter is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(series=series, year=year,
                                              last_value=first_number - 1)
        except IntegrityError:
            raise ShopSettingsError(_("A number was issued just now; try again."),
                                    code="race") from None
    else:
        NumberSequence.objects.filter(pk=counter.pk, last_value=last).update(
            last_value=first_number - 1)
    NumberingStart.objects.create(series=series, year=year,
                                  last_value=first_number - 1, set_by=actor[:150])
    return number_format(series=series, year=year or None, value=first_number)


# --- Email wording ------------------------------------------------------------------


@transaction.atomic(durable=True)
def email_wording_save(*, event: str, subject: str, intro: str, footer: str,
                       actor: str) -> EmailWording:
    """Store the owner's wording of ``event``; every text is checked first
    (ValidationError by field, nothing saved). Empty subject or intro keep
    the built-in wording."""
    if event not in EVENTS:
        raise ShopSettingsError(_("Unknown email."), code="event")
    texts = {"subject": " ".join(subject.split()), "intro": intro.strip(),
             "footer": footer.strip()}
    errors: dict[str, list[ValidationError]] = {}
    for name, text in texts.items():
        try:
            wording_check(text, event=event)
        except ValidationError as error:
            errors[name] = [error]
    if errors:
        raise ValidationError(errors)
    wording, _created = EmailWording.objects.update_or_create(
        event=event, defaults={**texts, "updated_by": actor[:150]})
    return wording


@transaction.atomic(durable=True)
def email_wording_reset(*, event: str) -> None:
    """Go back to the built-in wording of ``event``."""
    EmailWording.objects.filter(event=event).delete()


@transaction.atomic(durable=True)
def email_test_send(*, event: str) -> Message:
    """Queue the ``event`` email, with the saved wording, to the owner.

    The example order is the latest one (or a sample); the message is
    marked as a test and has no attachment. Refused without an owner email.
    """
    if event not in EVENTS:
        raise ShopSettingsError(_("Unknown email."), code="event")
    to = owner_email()
    if not to:
        raise ShopSettingsError(
            _("There is no owner email to send the test to: fill it in under "
              "Shop identity first."), code="no_owner_email")
    saved = EmailWording.objects.filter(event=event).first()
    preview = email_preview(event=event, subject=saved.subject if saved else "",
                            intro=saved.intro if saved else "",
                            footer=saved.footer if saved else "")
    return message_queue(kind=f"test:{event}", to=to,
                         subject=_("[Test] %(subject)s") % {"subject": preview.subject},
                         body_text=preview.body_text, body_html=preview.body_html,
                         reference=preview.order_number)


# --- Theme and trust pages ------------------------------------------------------------


@transaction.atomic(durable=True)
def theme_update(*, fields: dict[str, Any]) -> ThemeSettings:
    """Save the storefront's colours, font and favicon (validated by
    ``forms.ThemeForm``). A ``favicon`` of False removes it; None keeps it.
    Cached pages and the theme stylesheet follow after commit."""
    row = (ThemeSettings.objects.select_for_update().order_by("id").first()
           or ThemeSettings())
    for name, value in fields.items():
        if name == "favicon":
            if value is False:
                row.favicon = ""
            elif value:
                row.favicon = value
            continue
        setattr(row, name, value)
    row.save()
    transaction.on_commit(catalog_changed)
    return row


@transaction.atomic(durable=True)
def shop_page_save(*, kind: str, fields: dict[str, str], actor: str) -> LegalPage:
    """Save the owner's texts of one trust page; empty fields show the
    starting text again."""
    if kind not in LegalPageKind.values:
        raise ShopSettingsError(_("There is no such page."))
    page, _created = LegalPage.objects.select_for_update().get_or_create(kind=kind)
    for name in ("title_en", "body_en", "title_ms", "body_ms"):
        setattr(page, name, fields.get(name, "").strip())
    page.updated_by = actor
    page.save()
    transaction.on_commit(catalog_changed)
    return page
