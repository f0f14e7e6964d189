"""The owner's promotions page: what runs, pause or resume, and the report.

Campaigns, vouchers, automatic discounts and free-delivery thresholds
are created and edited on the forms here (Owner); codes are generated in
bulk from a voucher as a CSV download. This page reports uses, revenue
and discount given per voucher, campaign and automatic discount, with a
CSV download of each report.
"""

import csv
import io

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kedai.backoffice.access import office_view
from kedai.backoffice.promotions import forms
from kedai.promotions import selectors
from kedai.promotions.exceptions import PromotionError
from kedai.promotions.models import (
    STATE_LABELS,
    AutomaticDiscount,
    Campaign,
    FreeDeliveryThreshold,
    Voucher,
)
from kedai.promotions.office import (
    voucher_set_paused,
    vouchers_csv,
    vouchers_generate,
)
from kedai.promotions.rules import rules_changed

REPORTS = ("voucher", "campaign", "automatic")
LISTED = 50


@require_GET
@office_view("view_reports")
def overview(request):
    now = timezone.now()
    query = request.GET.get("q", "").strip()[:60]
    return render(request, "backoffice/promotions/overview.html", {
        "now": now, "query": query,
        "campaigns": [(c, STATE_LABELS[c.schedule_state(now)]) for c in
                      selectors.campaign_list()[:LISTED]],
        "vouchers": [(v, STATE_LABELS[v.schedule_state(now)]) for v in
                     selectors.voucher_list(query=query)[:LISTED]],
        "automatic": [(a, STATE_LABELS[a.schedule_state(now)]) for a in
                      AutomaticDiscount.objects.select_related("campaign")[:LISTED]],
        "thresholds": [(t, STATE_LABELS[t.schedule_state(now)]) for t in
                       FreeDeliveryThreshold.objects.all()],
        "reports": [(key, _report_title(key), selectors.promotion_report(by=key))
                    for key in REPORTS],
        "totals": selectors.discount_totals(),
        "can_change": request.user.has_perm("backoffice.manage_settings"),
    })


def _report_title(key: str) -> str:
    return {"voucher": _("By voucher"), "campaign": _("By campaign"),
            "automatic": _("By automatic discount")}[key]


@require_GET
@office_view("view_reports")
def report_download(request):
    by = request.GET.get("by", "voucher")
    if by not in REPORTS:
        raise Http404
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "name", "state", "uses", "revenue", "discount"])
    for row in selectors.promotion_report(by=by):
        writer.writerow([row.key, row.name, row.state, row.uses, row.revenue,
                         row.discount])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="promotions-{by}-{timezone.localdate():%Y%m%d}.csv"')
    return response


def _toggle(request, model, pk):
    thing = get_object_or_404(model, pk=pk)
    paused = request.POST.get("paused") == "1"
    if isinstance(thing, Voucher):
        voucher_set_paused(voucher=thing, paused=paused)
    else:
        model.objects.filter(pk=pk).update(is_paused=paused,
                                           updated_at=timezone.now())
        rules_changed()
    return redirect("backoffice_promotions:overview")


@require_POST
@office_view("manage_settings")
def voucher_pause(request, pk):
    return _toggle(request, Voucher, pk)


@require_POST
@office_view("manage_settings")
def campaign_pause(request, pk):
    return _toggle(request, Campaign, pk)


# --- create and edit -------------------------------------------------------------

KINDS = {
    "campaigns": (Campaign, forms.CampaignForm),
    "vouchers": (Voucher, forms.VoucherForm),
    "automatic": (AutomaticDiscount, forms.AutomaticDiscountForm),
    "thresholds": (FreeDeliveryThreshold, forms.FreeDeliveryThresholdForm),
}


def _titles(kind: str) -> tuple[str, str]:
    """(new title, edit title) of a kind."""
    return {
        "campaigns": (_("New campaign"), _("Edit campaign")),
        "vouchers": (_("New voucher"), _("Edit voucher")),
        "automatic": (_("New automatic discount"), _("Edit automatic discount")),
        "thresholds": (_("New free-delivery threshold"),
                       _("Edit free-delivery threshold")),
    }[kind]


@require_http_methods(["GET", "POST"])
@office_view("manage_settings")
def promotion_edit(request, kind: str, pk: int | None = None):
    """Create (no ``pk``) or edit one promotion; a bad value is refused by
    its field with status 400 and nothing is saved."""
    if kind not in KINDS:
        raise Http404
    model, form_class = KINDS[kind]
    instance = get_object_or_404(model, pk=pk) if pk is not None else None
    form = form_class(request.POST if request.method == "POST" else None,
                      instance=instance)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = form.save()
            except IntegrityError:
                # A code taken by a concurrent save, or a rule of the table.
                form.add_error("code" if "code" in form.fields else None,
                               _("This could not be saved; another change came "
                                 "first. Check the values and save again."))
            else:
                rules_changed()
                messages.success(request, _("“%(name)s” saved.") % {"name": saved})
                return redirect("backoffice_promotions:overview")
        status = 400
    new_title, edit_title = _titles(kind)
    return render(request, "backoffice/promotions/edit.html", {
        "form": form, "kind": kind, "thing": instance,
        "title": edit_title if instance else new_title,
    }, status=status)


@require_http_methods(["GET", "POST"])
@office_view("manage_settings")
def voucher_generate(request, pk: int):
    """Single-use codes like one voucher, made in one transaction, as a CSV."""
    template = get_object_or_404(Voucher, pk=pk)
    form = forms.GenerateForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                made = vouchers_generate(prefix=form.cleaned_data["code_prefix"],
                                         count=form.cleaned_data["count"],
                                         template=template)
            except PromotionError as exc:
                form.add_error("count" if exc.code == "count" else "code_prefix",
                               exc.message)
            else:
                response = HttpResponse(vouchers_csv(made),
                                        content_type="text/csv; charset=utf-8")
                name = made[0].batch if made else "codes"
                response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
                return response
    return render(request, "backoffice/promotions/generate.html", {
        "form": form, "voucher": template}, status=status)
