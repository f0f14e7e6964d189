"""/office/settings/: the owner's settings pages (manage_settings).

Plain HTML forms with Django's CSRF protection; each view parses a form,
calls one service and redirects, or shows the form again with its errors
and nothing saved.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kedai.backoffice.access import office_view
from kedai.catalog.models import FrontPage
from kedai.catalog.snippets import search_snippets
from kedai.invoicing.selectors import seller_profile_get
from kedai.invoicing.services import owner_email
from kedai.shipping.models import RateCard, ShippingMethod
from kedai.shopsettings import services
from kedai.shopsettings.exceptions import ShopSettingsError
from kedai.shopsettings.forms import (
    BrandingForm,
    EmailWordingForm,
    FrontPageForm,
    NumberingStartForm,
    PaymentSwitchForm,
    SellerProfileForm,
    ShopPageForm,
    ThemeForm,
)
from kedai.shopsettings.golive import golive_report
from kedai.shopsettings.legal_texts import BODIES, PLACEHOLDERS, TITLES
from kedai.shopsettings.models import (
    EmailEvent,
    LegalPage,
    LegalPageKind,
    NumberingStart,
    ThemeSettings,
)
from kedai.shopsettings.preview import email_preview
from kedai.shopsettings.selectors import (
    email_wording_get,
    numbering_rows,
    payment_method_rows,
)
from kedai.shopsettings.wording import EVENTS, PLACEHOLDER_HELP

manage = office_view("manage_settings")


def _actor(request: HttpRequest) -> str:
    return request.user.get_username()


def _front_page() -> FrontPage:
    return FrontPage.objects.order_by("id").first() or FrontPage(pk=1)


@manage
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "shopsettings/home.html", {
        "seller": seller_profile_get(), "front": _front_page(),
        "owner_email": owner_email()})


@manage
@require_http_methods(["GET", "POST"])
def identity(request: HttpRequest) -> HttpResponse:
    seller = seller_profile_get()
    front = _front_page()
    if request.method == "POST":
        seller_form = SellerProfileForm(request.POST, instance=seller, prefix="seller")
        brand_form = BrandingForm(request.POST, request.FILES, instance=front,
                                  prefix="brand")
        if seller_form.is_valid() and brand_form.is_valid():
            services.shop_identity_update(
                seller_fields={n: seller_form.cleaned_data[n]
                               for n in SellerProfileForm.Meta.fields},
                branding_fields={n: brand_form.cleaned_data[n]
                                 for n in BrandingForm.Meta.fields})
            messages.success(request, _("Shop identity saved. Documents issued "
                                        "from now on carry it."))
            return redirect("shopsettings:identity")
        messages.error(request, _("Nothing was saved: please correct the "
                                  "marked fields."))
    else:
        seller_form = SellerProfileForm(instance=seller, prefix="seller")
        brand_form = BrandingForm(instance=front, prefix="brand")
    return render(request, "shopsettings/identity.html", {
        "seller_form": seller_form, "brand_form": brand_form})


@manage
@require_http_methods(["GET", "POST"])
def front_page(request: HttpRequest) -> HttpResponse:
    front = _front_page()
    if request.method == "POST":
        form = FrontPageForm(request.POST, request.FILES, instance=front)
        if form.is_valid():
            data = form.cleaned_data
            services.front_page_update(
                fields={n: data[n] for n in FrontPageForm.Meta.fields
                        if n != "featured_categories"},
                featured_categories=data["featured_categories"],
                featured_products=data["featured_products_text"])
            messages.success(request, _("Front page saved."))
            return redirect("shopsettings:front_page")
        messages.error(request, _("Nothing was saved: please correct the "
                                  "marked fields."))
    else:
        form = FrontPageForm(instance=front)
    form_html, script_html = search_snippets(f"{request.scheme}://{request.get_host()}")
    return render(request, "shopsettings/front_page.html", {
        "form": form, "snippet_form": form_html, "snippet_script": script_html})


@manage
def shipping(request: HttpRequest) -> HttpResponse:
    return render(request, "shopsettings/shipping.html", {
        "methods": ShippingMethod.objects.order_by("position", "id"),
        "cards": RateCard.objects.order_by("carrier", "-is_active", "-created_at"),
    })


@manage
def payments(request: HttpRequest) -> HttpResponse:
    from kedai.shopsettings.payment_keys import is_owner

    return render(request, "shopsettings/payments.html", {
        "rows": payment_method_rows(), "is_owner": is_owner(request.user),
        "sandbox_url": settings.KEDAI_SANDBOX_URL})


@manage
def golive(request: HttpRequest) -> HttpResponse:
    """The go-live check (also ``manage.py golive_check``): read only."""
    report = golive_report()
    return render(request, "shopsettings/golive.html", {"report": report})


@manage
@require_POST
def payment_switch(request: HttpRequest, code: str) -> HttpResponse:
    form = PaymentSwitchForm(request.POST)
    form.is_valid()  # two checkboxes: always valid
    try:
        services.payment_method_switch_set(
            code=code, enabled=form.cleaned_data["enabled"],
            sandbox=form.cleaned_data["sandbox"], actor=_actor(request))
    except ShopSettingsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Payment method %(code)s saved.") % {"code": code})
    return redirect("shopsettings:payments")


@manage
@require_http_methods(["GET", "POST"])
def numbering(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    if request.method == "POST":
        form = NumberingStartForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                first = services.numbering_start_set(
                    series=data["series"], year=data["year"] or today.year,
                    first_number=data["first_number"], actor=_actor(request),
                    today=today)
            except ShopSettingsError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The next number of this series "
                                            "will be %(number)s.") % {"number": first})
                return redirect("shopsettings:numbering")
        messages.error(request, _("The starting number was not changed."))
    else:
        form = NumberingStartForm(initial={"year": today.year + 1})
    return render(request, "shopsettings/numbering.html", {
        "form": form, "rows": numbering_rows(today=today),
        "history": NumberingStart.objects.all()[:20]})


def _event_or_404(event: str) -> str:
    if event not in EVENTS:
        raise Http404
    return event


@manage
def emails(request: HttpRequest) -> HttpResponse:
    rows = [{"event": value, "label": label, "wording": email_wording_get(value)}
            for value, label in EmailEvent.choices]
    return render(request, "shopsettings/emails.html", {
        "rows": rows, "owner_email": owner_email()})


@manage
@require_http_methods(["GET", "POST"])
def email_edit(request: HttpRequest, event: str) -> HttpResponse:
    event = _event_or_404(event)
    info = EVENTS[event]
    saved = email_wording_get(event)
    preview = None
    if request.method == "POST" and "reset" in request.POST:
        services.email_wording_reset(event=event)
        messages.success(request, _("Back to the built-in wording."))
        return redirect("shopsettings:email_edit", event=event)
    if request.method == "POST":
        form = EmailWordingForm(request.POST, event=event)
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST:
                preview = email_preview(event=event, **data)
            else:
                try:
                    services.email_wording_save(event=event, actor=_actor(request),
                                                **data)
                except ValidationError as error:
                    for field, errors in error.message_dict.items():
                        for text in errors:
                            form.add_error(field, text)
                else:
                    messages.success(request, _("Email wording saved."))
                    return redirect("shopsettings:email_edit", event=event)
        if not form.is_valid():
            messages.error(request, _("Nothing was saved: please correct the "
                                      "marked fields."))
    else:
        form = EmailWordingForm(event=event, initial={
            "subject": saved.subject if saved else info.subject,
            "intro": saved.intro if saved else info.intro,
            "footer": saved.footer if saved else ""})
        if "preview" in request.GET:
            preview = email_preview(event=event, subject=saved.subject if saved else "",
                                    intro=saved.intro if saved else "",
                                    footer=saved.footer if saved else "")
    return render(request, "shopsettings/email_edit.html", {
        "form": form, "event": event, "label": EmailEvent(event).label,
        "saved": saved, "preview": preview, "owner_email": owner_email(),
        "placeholders": [(name, PLACEHOLDER_HELP[name]) for name in info.placeholders]})


@manage
@require_POST
def email_test_send(request: HttpRequest, event: str) -> HttpResponse:
    event = _event_or_404(event)
    try:
        message = services.email_test_send(event=event)
    except ShopSettingsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Test email queued to %(to)s.")
                         % {"to": message.to_email})
    return redirect("shopsettings:email_edit", event=event)


# --- Theme and trust pages ------------------------------------------------------------


def _theme_row() -> ThemeSettings:
    return ThemeSettings.objects.order_by("id").first() or ThemeSettings()


@manage
@require_http_methods(["GET", "POST"])
def theme(request: HttpRequest) -> HttpResponse:
    row = _theme_row()
    if request.method == "POST":
        form = ThemeForm(request.POST, request.FILES, instance=row)
        if form.is_valid():
            services.theme_update(fields={n: form.cleaned_data[n]
                                          for n in ThemeForm.Meta.fields})
            messages.success(request, _("Theme saved. The shop shows it now."))
            return redirect("shopsettings:theme")
        messages.error(request, _("Nothing was saved: please correct the "
                                  "marked fields."))
    else:
        form = ThemeForm(instance=row)
    return render(request, "shopsettings/theme.html", {"form": form})


@manage
def shop_pages(request: HttpRequest) -> HttpResponse:
    saved = {p.kind: p for p in LegalPage.objects.all()}
    rows = [{"kind": value, "label": label, "saved": saved.get(value)}
            for value, label in LegalPageKind.choices]
    return render(request, "shopsettings/shop_pages.html", {"rows": rows})


@manage
@require_http_methods(["GET", "POST"])
def shop_page_edit(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in LegalPageKind.values:
        raise Http404
    row = LegalPage.objects.filter(kind=kind).first()
    if request.method == "POST":
        form = ShopPageForm(request.POST, instance=row or LegalPage(kind=kind))
        if form.is_valid():
            services.shop_page_save(kind=kind, fields=form.cleaned_data,
                                    actor=_actor(request))
            messages.success(request, _("Page saved."))
            return redirect("shopsettings:shop_page_edit", kind=kind)
        messages.error(request, _("Nothing was saved: please correct the "
                                  "marked fields."))
    else:
        initial = {}
        for language in ("en", "ms"):
            initial[f"title_{language}"] = ((row and getattr(row, f"title_{language}"))
                                            or TITLES[language][kind])
            initial[f"body_{language}"] = ((row and getattr(row, f"body_{language}"))
                                           or BODIES[language][kind])
        form = ShopPageForm(initial=initial)
    return render(request, "shopsettings/shop_page_edit.html", {
        "form": form, "kind": kind, "label": LegalPageKind(kind).label,
        "placeholders": PLACEHOLDERS})
