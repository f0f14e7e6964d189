"""/office/shipping/: the owner's shipping set-up (``manage_settings``).

Methods (add, edit, switch on and off), zones (read only: state -> zone),
rate cards (view, download, upload with a preview, effective dates, which
card is active) and the set-up warnings of
:func:`kedai.shipping.warnings.setup_warnings`. Every change is a POST
with Django's CSRF token; refused input shows its message by the field
with a 400 and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kedai.backoffice.access import office_view
from kedai.backoffice.shipping.forms import (
    BandFormSet,
    RateCardConfirmForm,
    RateCardUploadForm,
    ShippingMethodForm,
)
from kedai.customers.addressing import STATE_NAMES
from kedai.shipping.exceptions import RateCardInvalid, ShippingError
from kedai.shipping.models import RATE_CARD_CARRIERS, RateCard, ShippingMethod
from kedai.shipping.ratecards import bands_diff, bands_parse
from kedai.shipping.services import (
    rate_card_activate,
    rate_card_csv,
    rate_card_deactivate,
    rate_card_upload,
    shipping_method_save,
    shipping_method_set_active,
)
from kedai.shipping.warnings import STALE_AFTER, setup_warnings
from kedai.shipping.zones import Zone, region_for_state, zone_for_state

manage = office_view("manage_settings")


def _actor(request: HttpRequest) -> str:
    return request.user.get_username()


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@manage
def home(request: HttpRequest) -> HttpResponse:
    """Warnings, methods, zones and rate cards on one page."""
    today = timezone.localdate()
    cards = list(RateCard.objects.order_by("carrier", "-is_active",
                                           "-effective_date", "-created_at"))
    carriers = [{"code": c.value, "label": c.label,
                 "cards": [card for card in cards if card.carrier == c.value],
                 "active": next((card for card in cards
                                 if card.carrier == c.value and card.is_active),
                                None)}
                for c in RATE_CARD_CARRIERS]
    zones = [{"code": code, "name": name, "zone": Zone(zone_for_state(code)).label,
              "region": region_for_state(code)}
             for code, name in STATE_NAMES.items()]
    return _no_store(render(request, "backoffice/shipping/home.html", {
        "warnings": setup_warnings(today=today),
        "methods": ShippingMethod.objects.order_by("position", "id"),
        "carriers": carriers, "zones": zones,
        "stale_before": today - STALE_AFTER,
    }))


# --- methods ----------------------------------------------------------------------


@manage
@require_http_methods(["GET", "POST"])
def method_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a method (no ``pk``) or change one."""
    method = (get_object_or_404(ShippingMethod, pk=pk) if pk is not None
              else ShippingMethod())
    status = 200
    if request.method == "POST":
        form = ShippingMethodForm(request.POST, instance=method)
        # A post without the band rows (not from this page) leaves them.
        with_bands = "bands-TOTAL_FORMS" in request.POST
        bands = BandFormSet(request.POST if with_bands else None,
                            instance=method, prefix="bands")
        if form.is_valid() and (not with_bands or bands.is_valid()):
            kept = [f.instance for f in bands.forms
                    if f.cleaned_data and not f.cleaned_data.get("DELETE")
                    ] if with_bands else None
            try:
                shipping_method_save(method=form.instance, bands=kept)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for text in errors:
                        form.add_error(field if field in form.fields else None, text)
            else:
                messages.success(request, _("Shipping method “%(name)s” saved.")
                                 % {"name": form.instance.name})
                return redirect("backoffice_shipping:home")
        messages.error(request, _("Nothing was saved: please correct the "
                                  "marked fields."))
        status = 400
    else:
        form = ShippingMethodForm(instance=method)
        bands = BandFormSet(instance=method, prefix="bands")
    return render(request, "backoffice/shipping/method_form.html", {
        "form": form, "bands": bands, "method": method}, status=status)


@manage
@require_POST
def method_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch a method on (``active=1``) or off."""
    method = get_object_or_404(ShippingMethod, pk=pk)
    active = request.POST.get("active") == "1"
    shipping_method_set_active(method=method, active=active)
    messages.success(request, (_("“%(name)s” is offered at checkout.") if active
                               else _("“%(name)s” is no longer offered."))
                     % {"name": method.name})
    return redirect("backoffice_shipping:home")


# --- rate cards -------------------------------------------------------------------


@manage
def card_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A card's terms and bands."""
    card = get_object_or_404(RateCard, pk=pk)
    return _no_store(render(request, "backoffice/shipping/card_detail.html", {
        "card": card, "bands": list(card.bands.all()),
        "stale": timezone.localdate() - card.effective_date > STALE_AFTER}))


@manage
def card_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The card's bands as CSV (terms and source as comment lines)."""
    card = get_object_or_404(RateCard, pk=pk)
    response = HttpResponse(rate_card_csv(card=card),
                            content_type="text/csv; charset=utf-8")
    filename = f"ratecard-{card.carrier}-{slugify(card.version) or card.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)


@manage
@require_POST
def card_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Use this card for its carrier (``active=1``) or switch it off."""
    card = get_object_or_404(RateCard, pk=pk)
    if request.POST.get("active") == "1":
        rate_card_activate(card=card)
        messages.success(request, _("%(card)s is now used at checkout.")
                         % {"card": card})
    else:
        rate_card_deactivate(card=card)
        messages.success(request, _("%(card)s is switched off: checkout no "
                                    "longer offers %(carrier)s from a rate card.")
                         % {"card": card, "carrier": card.get_carrier_display()})
    return redirect("backoffice_shipping:home")


@manage
@require_http_methods(["GET", "POST"])
def card_upload(request: HttpRequest) -> HttpResponse:
    """Upload -> check every row -> preview against the carrier's active
    card -> confirm -> a new card. A file with any bad row saves nothing."""
    context: dict[str, Any] = {"errors": [], "changes": None}
    status = 200
    initial = {"effective_date": timezone.localdate(), "activate": True,
               "carrier": request.GET.get("carrier", "")}
    form = RateCardUploadForm(initial=initial)
    if request.method == "POST" and "confirm" in request.POST:
        confirm = RateCardConfirmForm(request.POST)
        if not confirm.is_valid():
            messages.error(request, _("The upload could not be confirmed; "
                                      "please upload the file again."))
            status = 400
        else:
            data = confirm.cleaned_data
            try:
                card = rate_card_upload(
                    carrier=data["carrier"], csv_text=data["csv_text"],
                    version=data["version"], effective_date=data["effective_date"],
                    activate=data["activate"], actor=_actor(request))
            except RateCardInvalid as exc:
                context["errors"], status = exc.errors, 400
            except ShippingError as exc:
                messages.error(request, exc.message)
                status = 400
            else:
                messages.success(request, (
                    _("%(card)s is saved and now used at checkout.")
                    if card.is_active else
                    _("%(card)s is saved; activate it when it should be used."))
                    % {"card": card})
                return redirect("backoffice_shipping:card", pk=card.pk)
    elif request.method == "POST":
        form = RateCardUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            try:
                bands = bands_parse(data["file"])
            except RateCardInvalid as exc:
                context["errors"], status = exc.errors, 400
            else:
                current = RateCard.objects.filter(
                    carrier=data["carrier"], is_active=True).first()
                context["current"] = current
                context["changes"] = bands_diff(
                    [b.as_band() for b in current.bands.all()] if current else [],
                    bands)
                context["confirm_form"] = RateCardConfirmForm(initial={
                    "carrier": data["carrier"], "csv_text": data["file"],
                    "version": data["version"],
                    "effective_date": data["effective_date"],
                    "activate": data["activate"]})
                context["upload"] = data
    context["form"] = form
    return _no_store(render(request, "backoffice/shipping/card_upload.html",
                            context, status=status))
