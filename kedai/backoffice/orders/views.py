"""/office/orders/: the orders list, bulk actions, the order page, fulfil
and cancellations, and the tracking-number upload (refunds are in
refund_views; the order page and its answers in order_page).

Every view needs ``backoffice.manage_orders``; every change is a POST
with Django's CSRF token, parsed by a form, done by one service, and
recorded with the staff user's name as the actor. Refused input shows its
message with a 400 and changes nothing.
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kedai.backoffice.orders import forms
from kedai.backoffice.orders.export import orders_csv
from kedai.backoffice.orders.order_page import (
    action_confirmed,
    confirm_page,
    manage_orders,
    order_done,
    order_or_404,
    order_page,
    order_refused,
    staff_actor,
)
from kedai.backoffice.orders.pdf import (
    address_labels_pdf,
    packing_slips_pdf,
    thermal_labels_for,
)
from kedai.backoffice.orders.selectors import (
    order_list,
    order_list_by_numbers,
)
from kedai.backoffice.orders.services import (
    MAX_UPLOAD_BYTES,
    BulkRefused,
    TrackingRow,
    orders_mark_packed,
    orders_mark_paid,
    parcel_record,
    tracking_apply,
    tracking_csv_read,
    tracking_plan,
)
from kedai.core.exceptions import ApplicationError
from kedai.core.forms import is_reference
from kedai.core.money import Money
from kedai.invoicing.selectors import document_get
from kedai.invoicing.services import document_pdf_render
from kedai.orders.models import Order, OrderStatus
from kedai.orders.services import (
    TRANSITIONS,
    order_cancel,
    order_change_status,
    order_note_add,
)
from kedai.payments.refunds import (
    gateway_short_name,
    paying_payment,
)
from kedai.shipping.models import Carrier

PAGE_SIZE = 50


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # The filename is ours, never user input.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def _back(request: HttpRequest) -> str:
    target = request.POST.get("back", "")
    list_url = reverse("backoffice_orders:list")
    if target.startswith(list_url) and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}):
        return target
    return list_url


# --- the list and bulk actions ----------------------------------------------------


@require_GET
@manage_orders
def order_list_view(request: HttpRequest) -> HttpResponse:
    """The orders, filtered and paginated, with checkboxes for bulk actions."""
    form = forms.OrderFilterForm(request.GET or None)
    orders = order_list(filters=form.filters())
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "backoffice/orders/list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "bulk_form": forms.BulkForm(), "back": request.get_full_path(),
    })


@require_POST
@manage_orders
def bulk(request: HttpRequest) -> HttpResponse:
    """Apply one action to the ticked orders (or download their files)."""
    form = forms.BulkForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("__all__", []) + form.errors.get("action", []):
            messages.error(request, str(error))
        return redirect(_back(request))
    numbers = form.cleaned_data["orders"]
    orders = list(order_list_by_numbers(numbers=numbers))
    unknown = sorted(set(numbers) - {o.number for o in orders})
    if unknown:
        messages.error(request, _("No such order: %(numbers)s.")
                       % {"numbers": ", ".join(unknown)[:200]})
        return redirect(_back(request))
    action = form.cleaned_data["action"]
    if action == "slips":
        return _file(packing_slips_pdf(orders), "application/pdf",
                     f"packing-slips-{_stamp()}.pdf")
    if action == "labels":
        return _file(address_labels_pdf(orders), "application/pdf",
                     f"address-labels-{_stamp()}.pdf")
    if action == "thermal_labels":
        return _file(thermal_labels_for(orders), "application/pdf",
                     f"shipping-labels-{_stamp()}.pdf")
    if action == "export":
        return _file(("\ufeff" + orders_csv(orders)).encode(),
                     "text/csv; charset=utf-8", f"orders-{_stamp()}.csv")
    if action == "tracking":
        return _tracking_form(request, orders)
    try:
        if action == "mark_paid":
            done = orders_mark_paid(orders=orders,
                                    reference=form.cleaned_data["reference"],
                                    actor=staff_actor(request))
            messages.success(request, _("%(count)d orders marked paid.")
                             % {"count": done})
        else:
            done = orders_mark_packed(orders=orders, actor=staff_actor(request))
            messages.success(request, _("%(count)d orders marked packed.")
                             % {"count": done})
    except BulkRefused as exc:
        messages.error(request, exc.message)
        for error in exc.errors:
            messages.error(request, error)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(_back(request))


def _tracking_form(request: HttpRequest, orders: list[Order], *,
                   errors: list[str] | None = None, status: int = 200,
                   values: dict[str, tuple[str, str]] | None = None) -> HttpResponse:
    rows = [{"order": o, "carrier": (values or {}).get(o.number, ("", ""))[0],
             "tracking": (values or {}).get(o.number, ("", ""))[1]} for o in orders]
    return render(request, "backoffice/orders/tracking_bulk.html", {
        "rows": rows, "carriers": Carrier.choices, "errors": errors or [],
        "back": _back(request)}, status=status)


@require_POST
@manage_orders
def tracking_bulk(request: HttpRequest) -> HttpResponse:
    """Record the tracking numbers typed for several orders, all or none."""
    numbers = request.POST.getlist("order")[:500]
    carriers = request.POST.getlist("carrier")
    tracking = request.POST.getlist("tracking")
    if not (len(numbers) == len(carriers) == len(tracking)):
        messages.error(request, _("The form was incomplete; nothing was changed."))
        return redirect(_back(request))
    rows = [TrackingRow(row=i, order_number=n, carrier=c, tracking=t)
            for i, (n, c, t) in enumerate(zip(numbers, carriers, tracking,
                                              strict=True), start=1)
            if t.strip()]
    try:
        plan = tracking_apply(rows=rows, actor=staff_actor(request))
    except BulkRefused as exc:
        orders = list(order_list_by_numbers(numbers=[n.strip().upper()
                                                     for n in numbers]))
        values = {n.strip().upper(): (c, t)
                  for n, c, t in zip(numbers, carriers, tracking, strict=True)}
        return _tracking_form(request, orders, errors=exc.errors, status=400,
                              values=values)
    messages.success(request, _("%(parcels)d tracking numbers recorded; the "
                                "shipping notices are queued.")
                     % {"parcels": plan.parcels})
    return redirect(_back(request))


# --- tracking numbers by CSV ------------------------------------------------------


def _rows_text(rows: list[TrackingRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([row.row, row.order_number, row.carrier, row.tracking])
    return out.getvalue()


def _rows_parse(text: str) -> list[TrackingRow]:
    rows = []
    for cells in csv.reader(io.StringIO(text)):
        if len(cells) == 4 and cells[0].isascii() and cells[0].isdigit():
            rows.append(TrackingRow(row=int(cells[0]), order_number=cells[1],
                                    carrier=cells[2], tracking=cells[3]))
    return rows


@manage_orders
def tracking_upload(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of tracking numbers: a dry-run preview first."""
    if request.method != "POST":
        return render(request, "backoffice/orders/upload.html",
                      {"form": forms.TrackingUploadForm()})
    form = forms.TrackingUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "backoffice/orders/upload.html", {"form": form},
                      status=400)
    upload = form.cleaned_data["file"]
    # One byte over the limit is enough to refuse the file.
    rows, file_errors = tracking_csv_read(upload.read(MAX_UPLOAD_BYTES + 1))
    if file_errors:
        return render(request, "backoffice/orders/upload.html",
                      {"form": form, "file_errors": file_errors}, status=400)
    return _preview(request, rows, tracking_plan(rows=rows))


def _preview(request: HttpRequest, rows: list[TrackingRow], plan,
             status: int = 200) -> HttpResponse:
    return render(request, "backoffice/orders/upload_preview.html", {
        "plan": plan, "rows": len(rows),
        "apply_form": forms.TrackingApplyForm(initial={"rows": _rows_text(rows)}),
    }, status=400 if plan.errors else status)


@require_POST
@manage_orders
def tracking_upload_apply(request: HttpRequest) -> HttpResponse:
    """Apply a previewed upload, all or nothing (checked again)."""
    form = forms.TrackingApplyForm(request.POST)
    rows = _rows_parse(form.data.get("rows", "")) if form.is_valid() else []
    try:
        plan = tracking_apply(rows=rows, actor=staff_actor(request))
    except BulkRefused as exc:
        plan = tracking_plan(rows=rows)
        if not plan.errors:
            plan.errors = exc.errors
        return _preview(request, rows, plan, status=400)
    messages.success(request, _("%(parcels)d tracking numbers recorded for "
                                "%(orders)d orders; the shipping notices are "
                                "queued.")
                     % {"parcels": plan.parcels,
                        "orders": len({c.order.pk for c in plan.changes})})
    return redirect("backoffice_orders:list")


# --- one order ----------------------------------------------------------------------


@require_GET
@manage_orders
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Everything about one order, and what can be done with it."""
    return order_page(request, order_or_404(number))


@require_POST
@manage_orders
def order_note(request: HttpRequest, number: str) -> HttpResponse:
    order = order_or_404(number)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return order_refused(request, number, _("Write a note first."), note_form=form)
    try:
        order_note_add(order=order, note=form.cleaned_data["note"],
                       actor=staff_actor(request))
    except ApplicationError as exc:
        return order_refused(request, number, exc.message, note_form=form)
    return order_done(request, order, _("Note added."))


@require_POST
@manage_orders
def order_status(request: HttpRequest, number: str) -> HttpResponse:
    order = order_or_404(number)
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        return order_refused(request, number, _("Choose a status from the list."))
    to = form.cleaned_data["to"]
    try:
        order_change_status(order=order, to=to, actor=staff_actor(request))
    except ApplicationError as exc:
        return order_refused(request, number, exc.message)
    return order_done(request, order, _("The order is now “%(status)s”.")
                      % {"status": OrderStatus(to).label})


@require_POST
@manage_orders
def order_cancel_view(request: HttpRequest, number: str) -> HttpResponse:
    order = order_or_404(number)
    form = forms.CancelForm(request.POST)
    if not form.is_valid():
        return order_refused(request, number, _("Give a reason for cancelling."),
                             cancel_form=form)
    if not action_confirmed(request) and OrderStatus.CANCELLED in TRANSITIONS.get(
            order.status, frozenset()):
        paid = paying_payment(order)
        consequences = [
            _("Order %(number)s becomes “Cancelled”; this cannot be undone.")
            % {"number": order.number},
            _("Its %(units)d item(s) go back on sale (stock is restored).")
            % {"units": sum(line.quantity for line in order.lines.all())},
            _("The customer is sent a cancellation notice."),
        ]
        if paid is not None:
            consequences.append(
                _("It was paid (%(amount)s through %(gateway)s): cancelling "
                  "refunds nothing; refund the payment afterwards.")
                % {"amount": Money(paid.amount, paid.currency),
                   "gateway": gateway_short_name(paid.gateway)})
        return confirm_page(
            request, order, title=_("Cancel order %(number)s?")
            % {"number": order.number},
            consequences=consequences, reason=form.cleaned_data["reason"],
            action=reverse("backoffice_orders:cancel", args=[order.number]),
            button=_("Yes, cancel the order and restock"))
    try:
        order_cancel(order=order, reason=form.cleaned_data["reason"],
                     actor=staff_actor(request))
    except ApplicationError as exc:
        return order_refused(request, number, exc.message, cancel_form=form)
    message = _("Order cancelled; its stock is back on sale.")
    if paying_payment(order) is not None:
        message += " " + _("It was paid: refund the payment below.")
    return order_done(request, order, message)


@require_POST
@manage_orders
def order_mark_paid(request: HttpRequest, number: str) -> HttpResponse:
    order = order_or_404(number)
    form = forms.MarkPaidForm(request.POST)
    if not form.is_valid():
        return order_refused(request, number, _("Enter the payment reference."),
                             paid_form=form)
    try:
        orders_mark_paid(orders=[order], reference=form.cleaned_data["reference"],
                         actor=staff_actor(request))
    except BulkRefused as exc:
        return order_refused(request, number, " ".join(exc.errors), paid_form=form)
    except ApplicationError as exc:
        return order_refused(request, number, exc.message, paid_form=form)
    return order_done(request, order, _("Payment recorded; the receipt is on its way."))


@require_POST
@manage_orders
def order_fulfil(request: HttpRequest, number: str) -> HttpResponse:
    """Record a shipment: carrier and one tracking number per parcel."""
    order = order_or_404(number)
    form = forms.FulfilForm(request.POST)
    if not form.is_valid():
        return order_refused(request, number,
                             _("Choose a carrier and enter a tracking number."),
                             fulfil_form=form)
    try:
        plan = parcel_record(order=order, carrier=form.cleaned_data["carrier"],
                             tracking=form.numbers(), actor=staff_actor(request))
    except BulkRefused as exc:
        return order_refused(request, number, " ".join(exc.errors), fulfil_form=form)
    return order_done(request, order, _("Shipped: %(count)d parcel(s) recorded; the "
                                        "shipping notice is queued.")
                      % {"count": plan.parcels})


@require_GET
@manage_orders
def order_slip(request: HttpRequest, number: str) -> HttpResponse:
    """The order's packing slip as a PDF."""
    order = order_or_404(number)
    return _file(packing_slips_pdf([order]), "application/pdf",
                 f"packing-slip-{order.number}.pdf")


@require_GET
@manage_orders
def order_label(request: HttpRequest, number: str) -> HttpResponse:
    """The order's address label (first cell of an A4 label sheet)."""
    order = order_or_404(number)
    return _file(address_labels_pdf([order]), "application/pdf",
                 f"address-label-{order.number}.pdf")


@require_GET
@manage_orders
def order_thermal_label(request: HttpRequest, number: str) -> HttpResponse:
    """The order's 100 × 150 mm shipping label(s), one page per parcel."""
    order = order_or_404(number)
    return _file(thermal_labels_for([order]), "application/pdf",
                 f"shipping-label-{order.number}.pdf")


@require_GET
@manage_orders
def order_document(request: HttpRequest, number: str, document: str) -> HttpResponse:
    """One issued document (invoice, receipt, notice, credit note) as PDF."""
    order = order_or_404(number)
    found = document_get(order=order, number=document) if is_reference(
        document) else None
    if found is None:
        raise Http404
    return _file(document_pdf_render(found), "application/pdf",
                 f"{found.number}.pdf")
