"""The owner's promotions page: what runs, pause or resume, and the report.

Creating and scheduling campaigns, vouchers, automatic discounts and
free-delivery thresholds is done in their admin forms (linked from here);
this page reports uses, revenue and discount given per voucher, campaign
and automatic discount, with a CSV download of each report.
"""

import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kedai.backoffice.access import office_view
from kedai.promotions import selectors
from kedai.promotions.models import (
    STATE_LABELS,
    AutomaticDiscount,
    Campaign,
    FreeDeliveryThreshold,
    Voucher,
)
from kedai.promotions.rules import rules_changed
from kedai.promotions.services import voucher_set_paused

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
