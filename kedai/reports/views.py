"""The sales dashboard and the low-stock page (/office/reports/)."""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kedai.backoffice.access import office_view
from kedai.core.templatetags.money import money
from kedai.payments.selectors import FLAGGED_SHOWN, payment_flagged_list
from kedai.reports import selectors
from kedai.reports.charts import Series, bar_chart, line_chart
from kedai.reports.exceptions import ReportsError
from kedai.reports.forms import StockAlertForm, StockFilterForm
from kedai.reports.periods import DEFAULT_PERIOD, PERIODS, period_get
from kedai.reports.services import stock_alert_set

STOCK_PAGE_SIZE = 50


def _money(value: Decimal) -> str:
    return money(value)


@require_GET
@office_view("view_reports")
def dashboard(request):
    key = request.GET.get("period", DEFAULT_PERIOD)
    if key not in PERIODS:
        key = DEFAULT_PERIOD
    period = period_get(key)
    points = selectors.sales_over_time(period=period)
    by_method = selectors.sales_by_payment_method(period=period)
    by_state = selectors.sales_by_state(period=period)
    unit = _("hour") if period.bucket == "hour" else _("day")
    over_time_chart = line_chart(
        chart_id="sales-over-time", title=_("Sales over time"),
        description=_("Gross sales per %(unit)s, %(period)s (solid line) and the "
                      "period before (dashed line).")
        % {"unit": unit, "period": period.label.lower()},
        labels=[p.label for p in points],
        series=[Series(_("Previous period"), [p.previous_sales for p in points],
                       "previous"),
                Series(period.label, [p.sales for p in points], "current")],
        fmt=_money)
    method_chart = bar_chart(
        chart_id="sales-by-method", title=_("Sales by payment method"),
        description=_("Gross sales per payment method, %(period)s.")
        % {"period": period.label.lower()},
        bars=[(s.label, s.sales) for s in by_method], fmt=_money)
    state_chart = bar_chart(
        chart_id="sales-by-state", title=_("Sales by state"),
        description=_("Gross sales per state of the shipping address, %(period)s.")
        % {"period": period.label.lower()},
        bars=[(s.label, s.sales) for s in by_state], fmt=_money)
    return render(request, "reports/dashboard.html", {
        "flagged_payments": list(payment_flagged_list()[:FLAGGED_SHOWN]),
        "period": period,
        "periods": [(k, str(label)) for k, (label, _days) in PERIODS.items()],
        "last_day": timezone.localtime(period.end).date(),
        "previous_last_day": timezone.localtime(period.previous_end).date(),
        "metrics": selectors.sales_metrics(period=period),
        "points": points, "over_time_chart": over_time_chart,
        "by_method": by_method, "method_chart": method_chart,
        "by_state": by_state, "state_chart": state_chart,
        "top_by_revenue": selectors.top_products(period=period, by="revenue"),
        "top_by_quantity": selectors.top_products(period=period, by="quantity"),
    })


def _stock_query(data) -> dict[str, str]:
    """The list's filter and page, re-encoded from known keys only."""
    return {k: str(data[k])[:100] for k in ("show", "q", "page") if data.get(k)}


@require_GET
@office_view("view_reports")
def low_stock(request):
    form = StockFilterForm(request.GET or None)
    show, query = "low", ""
    if form.is_valid():
        show = form.cleaned_data["show"] or "low"
        query = form.cleaned_data["q"]
    rows = selectors.variant_stock_list(show=show, query=query)
    page = Paginator(rows, STOCK_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/low_stock.html", {
        "form": form, "show": show, "query": query, "page": page,
        "default_threshold": selectors.low_stock_threshold(),
        "back": urlencode(_stock_query(request.GET)),
        "filter_query": urlencode({k: v for k, v in
                                   _stock_query(request.GET).items() if k != "page"}),
    })


@require_POST
@office_view("view_reports")
def stock_alert(request):
    """Set or remove one variant's threshold, then back to the same list."""
    form = StockAlertForm(request.POST)
    target = reverse("reports:low_stock")
    back = _stock_query(request.POST)
    if back:
        target += "?" + urlencode(back)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(target, permanent=False)
    variant = form.cleaned_data["variant"]
    threshold = None if form.cleaned_data["reset"] else form.cleaned_data["threshold"]
    try:
        stock_alert_set(variant=variant, threshold=threshold)
    except ReportsError as exc:
        messages.error(request, exc.message)
        return redirect(target)
    if threshold is None:
        messages.success(request, _("%(sku)s now uses the shop's threshold.")
                         % {"sku": variant.sku})
    else:
        messages.success(request, _("%(sku)s: low at %(threshold)s or fewer.")
                         % {"sku": variant.sku, "threshold": threshold})
    return redirect(target)
