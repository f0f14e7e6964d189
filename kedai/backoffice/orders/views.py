"""/office/orders/: the orders list, bulk actions, the order page, fulfil,
refunds and cancellations, and the tracking-number upload.

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
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kedai.backoffice.access import office_view
from kedai.backoffice.orders import forms
from kedai.backoffice.orders.export import orders_csv
from kedai.backoffice.orders.pdf import (
    address_labels_pdf,
    packing_slips_pdf,
    thermal_labels_for,
)
from kedai.backoffice.orders.selectors import (
    order_get,
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
from kedai.invoicing.selectors import document_get, document_list
from kedai.invoicing.services import document_pdf_render
from kedai.orders.models import Order, OrderStatus
from kedai.orders.services import (
    TRANSITIONS,
    order_cancel,
    order_change_status,
    order_note_add,
)
from kedai.payments.models import Payment, Refund
from kedai.payments.refunds import (
    gateway_short_name,
    order_refund_lines,
    order_refund_preview,
    paying_payment,
    payment_refund_flagged,
    refund_confirm_by_hand,
    refunds_by_api,
)
from kedai.payments.registry import OFFLINE_METHODS
from kedai.payments.selectors import payment_list_for_order
from kedai.shipping.models import Carrier
from kedai.shipping.selectors import tracking_links

PAGE_SIZE = 50
manage_orders = office_view("manage_orders")


def _actor(request: HttpRequest) -> str:
    return request.user.get_username()


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
                                    actor=_actor(request))
            messages.success(request, _("%(count)d orders marked paid.")
                             % {"count": done})
        else:
            done = orders_mark_packed(orders=orders, actor=_actor(request))
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
        plan = tracking_apply(rows=rows, actor=_actor(request))
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
        plan = tracking_apply(rows=rows, actor=_actor(request))
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


def _get(number: str) -> Order:
    order = order_get(number=number.upper()) if is_reference(number) else None
    if order is None:
        raise Http404
    return order


def _order_page(request: HttpRequest, order: Order, *, status: int = 200,
                **forms_given) -> HttpResponse:
    allowed = TRANSITIONS.get(order.status, frozenset())
    payments = list(payment_list_for_order(order=order))
    refundable = paying_payment(order)
    refund_form = forms_given.get("refund_form") or forms.RefundForm(
        order=order, initial={"manual": refundable is not None
                              and refundable.gateway in OFFLINE_METHODS})
    paid_by = next((p for p in payments if p.pays_order), None)
    context = {
        "order": order,
        "paid_by": paid_by,
        "paid_via_name": gateway_short_name(paid_by.gateway) if paid_by else "",
        "method_name": gateway_short_name(order.payment_method),
        "refund_by_api": refundable is not None and refunds_by_api(refundable.gateway),
        "refund_gateway": gateway_short_name(refundable.gateway) if refundable else "",
        "lines": order.lines.all(),
        "events": order.events.all(),
        "payments": payments,
        "refunds": [r for p in payments for r in p.refunds.all()],
        "parcels": tracking_links(order=order),
        "documents": document_list(order=order),
        "note_form": forms_given.get("note_form") or forms.NoteForm(),
        "status_actions": [(value, label) for value, label
                           in forms.StatusForm.base_fields["to"].choices  # type: ignore[attr-defined]
                           if value in allowed],
        "can_cancel": OrderStatus.CANCELLED in allowed,
        "cancel_form": forms_given.get("cancel_form") or forms.CancelForm(),
        "can_mark_paid": (order.status == OrderStatus.AWAITING_PAYMENT
                          and order.payment_method in OFFLINE_METHODS),
        "paid_form": forms_given.get("paid_form") or forms.MarkPaidForm(),
        "can_fulfil": order.status in (OrderStatus.PAID, OrderStatus.PROCESSING,
                                       OrderStatus.SHIPPED),
        "fulfil_form": forms_given.get("fulfil_form") or forms.FulfilForm(),
        "refundable": refundable,
        "offline_methods": OFFLINE_METHODS,
        "refund_form": refund_form,
    }
    return render(request, "backoffice/orders/detail.html", context, status=status)


def _refused(request: HttpRequest, number: str, message: str,
             **forms_given) -> HttpResponse:
    messages.error(request, message)
    return _order_page(request, _get(number), status=400, **forms_given)


def _done(request: HttpRequest, order: Order, message: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(
        reverse("backoffice_orders:detail", args=[order.number]), status=303)


@require_GET
@manage_orders
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Everything about one order, and what can be done with it."""
    return _order_page(request, _get(number))


@require_POST
@manage_orders
def order_note(request: HttpRequest, number: str) -> HttpResponse:
    order = _get(number)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return _refused(request, number, _("Write a note first."), note_form=form)
    try:
        order_note_add(order=order, note=form.cleaned_data["note"],
                       actor=_actor(request))
    except ApplicationError as exc:
        return _refused(request, number, exc.message, note_form=form)
    return _done(request, order, _("Note added."))


@require_POST
@manage_orders
def order_status(request: HttpRequest, number: str) -> HttpResponse:
    order = _get(number)
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        return _refused(request, number, _("Choose a status from the list."))
    to = form.cleaned_data["to"]
    try:
        order_change_status(order=order, to=to, actor=_actor(request))
    except ApplicationError as exc:
        return _refused(request, number, exc.message)
    return _done(request, order, _("The order is now “%(status)s”.")
                 % {"status": OrderStatus(to).label})


@require_POST
@manage_orders
def order_cancel_view(request: HttpRequest, number: str) -> HttpResponse:
    order = _get(number)
    form = forms.CancelForm(request.POST)
    if not form.is_valid():
        return _refused(request, number, _("Give a reason for cancelling."),
                        cancel_form=form)
    if not _confirmed(request) and OrderStatus.CANCELLED in TRANSITIONS.get(
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
        return _confirm_page(
            request, order, title=_("Cancel order %(number)s?")
            % {"number": order.number},
            consequences=consequences, reason=form.cleaned_data["reason"],
            action=reverse("backoffice_orders:cancel", args=[order.number]),
            button=_("Yes, cancel the order and restock"))
    try:
        order_cancel(order=order, reason=form.cleaned_data["reason"],
                     actor=_actor(request))
    except ApplicationError as exc:
        return _refused(request, number, exc.message, cancel_form=form)
    message = _("Order cancelled; its stock is back on sale.")
    if paying_payment(order) is not None:
        message += " " + _("It was paid: refund the payment below.")
    return _done(request, order, message)


@require_POST
@manage_orders
def order_mark_paid(request: HttpRequest, number: str) -> HttpResponse:
    order = _get(number)
    form = forms.MarkPaidForm(request.POST)
    if not form.is_valid():
        return _refused(request, number, _("Enter the payment reference."),
                        paid_form=form)
    try:
        orders_mark_paid(orders=[order], reference=form.cleaned_data["reference"],
                         actor=_actor(request))
    except BulkRefused as exc:
        return _refused(request, number, " ".join(exc.errors), paid_form=form)
    except ApplicationError as exc:
        return _refused(request, number, exc.message, paid_form=form)
    return _done(request, order, _("Payment recorded; the receipt is on its way."))


@require_POST
@manage_orders
def order_fulfil(request: HttpRequest, number: str) -> HttpResponse:
    """Record a shipment: carrier and one tracking number per parcel."""
    order = _get(number)
    form = forms.FulfilForm(request.POST)
    if not form.is_valid():
        return _refused(request, number,
                        _("Choose a carrier and enter a tracking number."),
                        fulfil_form=form)
    try:
        plan = parcel_record(order=order, carrier=form.cleaned_data["carrier"],
                             tracking=form.numbers(), actor=_actor(request))
    except BulkRefused as exc:
        return _refused(request, number, " ".join(exc.errors), fulfil_form=form)
    return _done(request, order, _("Shipped: %(count)d parcel(s) recorded; the "
                                   "shipping notice is queued.")
                 % {"count": plan.parcels})


@require_POST
@manage_orders
def order_refund(request: HttpRequest, number: str) -> HttpResponse:
    """Refund lines (quantity, restock yes/no) with a reason."""
    order = _get(number)
    form = forms.RefundForm(request.POST, order=order)
    if not form.is_valid():
        return _refused(request, number,
                        _("Check the quantities and give a reason."),
                        refund_form=form)
    args = {"order": order, "returns": form.returns(),
            "reason": form.cleaned_data["reason"],
            "include_shipping": form.cleaned_data["include_shipping"],
            "manual": form.cleaned_data["manual"]}
    if not _confirmed(request):
        try:
            preview = order_refund_preview(**args)
        except ApplicationError as exc:
            return _refused(request, number, exc.message, refund_form=form)
        return _confirm_page(
            request, order, title=_("Refund %(amount)s of order %(number)s?")
            % {"amount": preview.amount, "number": order.number},
            consequences=_refund_consequences(preview),
            reason=form.cleaned_data["reason"],
            action=reverse("backoffice_orders:refund", args=[order.number]),
            button=_("Yes, refund %(amount)s") % {"amount": preview.amount})
    try:
        refund = order_refund_lines(**args, actor=_actor(request))
    except ApplicationError as exc:
        return _refused(request, number, exc.message, refund_form=form)
    return _done(request, order, _refund_message(refund))


@require_POST
@manage_orders
def order_payment_refund(request: HttpRequest, number: str,
                         reference: str) -> HttpResponse:
    """Refund a flagged payment (a duplicate, paid after closing) in full."""
    order = _get(number)
    payment = Payment.objects.filter(order=order, reference=reference).first()
    if payment is None:
        raise Http404
    manual = bool(request.POST.get("manual"))
    # Only a refund the service would do gets a confirmation page; any
    # other is refused at once by the service, with its message.
    if not _confirmed(request) and payment.flag and not payment.pays_order:
        left = Money(payment.amount - payment.refunded_amount, payment.currency)
        gateway = gateway_short_name(payment.gateway)
        consequences = [
            _("Payment %(reference)s (%(gateway)s) is refunded in full: "
              "%(amount)s.") % {"reference": payment.reference,
                                "gateway": gateway, "amount": left},
            _("The order itself is not changed.")]
        if manual:
            consequences.append(_("Recorded as already given back by hand; "
                                  "no money is moved by Kedai."))
        elif refunds_by_api(payment.gateway):
            consequences.append(_("%(gateway)s gives the money back to the "
                                  "customer now.") % {"gateway": gateway})
        else:
            consequences.append(_("%(gateway)s has no refund API: the refund "
                                  "is recorded as “to refund by hand in "
                                  "%(gateway)s's dashboard” until you confirm "
                                  "it.") % {"gateway": gateway})
        return _confirm_page(
            request, order, title=_("Refund payment %(reference)s?")
            % {"reference": payment.reference}, consequences=consequences,
            action=reverse("backoffice_orders:payment_refund",
                           args=[order.number, payment.reference]),
            button=_("Yes, refund %(amount)s") % {"amount": left})
    try:
        refund = payment_refund_flagged(payment=payment, actor=_actor(request),
                                        manual=manual)
    except ApplicationError as exc:
        return _refused(request, number, exc.message)
    return _done(request, order, _refund_message(refund))


@require_POST
@manage_orders
def order_refund_confirm(request: HttpRequest, number: str,
                         reference: str) -> HttpResponse:
    """The owner gave back a "to refund by hand" refund in the gateway's
    dashboard: record it as done."""
    order = _get(number)
    refund = Refund.objects.filter(payment__order=order, reference=reference).first()
    if refund is None:
        raise Http404
    try:
        done = refund_confirm_by_hand(refund=refund, actor=_actor(request))
    except ApplicationError as exc:
        return _refused(request, number, exc.message)
    return _done(request, order, _("Refund %(reference)s of %(amount)s confirmed "
                                   "as given back in %(gateway)s's dashboard.")
                 % {"reference": done.reference,
                    "amount": Money(done.amount, done.payment.currency),
                    "gateway": gateway_short_name(done.payment.gateway)})


# --- confirmation of destructive actions ------------------------------------------


def _confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirmed") == "yes"


def _confirm_page(request: HttpRequest, order: Order, *, title: str,
                  consequences: list[str], action: str, button: str,
                  reason: str = "") -> HttpResponse:
    """What the action will do, and the same POST again with ``confirmed``:
    a second, deliberate step that works without JavaScript."""
    fields = [(name, value) for name, values in request.POST.lists()
              if name not in ("csrfmiddlewaretoken", "confirmed")
              for value in values]
    return render(request, "backoffice/orders/confirm.html", {
        "order": order, "title": title, "consequences": consequences,
        "action": action, "button": button, "fields": fields, "reason": reason})


def _refund_consequences(preview) -> list[str]:
    values = {"amount": preview.amount, "gateway": preview.gateway,
              "parts": ", ".join(preview.parts)}
    lines = [_("Refund %(amount)s for: %(parts)s.") % values]
    if preview.manual:
        lines.append(_("Recorded as already given back by hand (record only); "
                       "Kedai moves no money."))
    elif preview.by_api:
        lines.append(_("%(gateway)s gives %(amount)s back to the customer now; "
                       "this cannot be undone.") % values)
    else:
        lines.append(_("%(gateway)s has no refund API: no money moves now. The "
                       "refund is recorded as “to refund by hand in "
                       "%(gateway)s's dashboard” until you give the money back "
                       "there and confirm it here.") % values)
    if preview.restock:
        lines.append(_("%(count)d item(s) go back to stock.")
                     % {"count": preview.restock})
    return lines


def _refund_message(refund: Refund) -> str:
    values = {"amount": Money(refund.amount, refund.payment.currency),
              "reference": refund.reference,
              "gateway": gateway_short_name(refund.payment.gateway)}
    if refund.status == Refund.Status.TO_REFUND_BY_HAND:
        return _("%(amount)s to refund by hand in %(gateway)s's dashboard "
                 "(%(reference)s): no money has moved yet. Confirm it below "
                 "once you have refunded it there.") % values
    if refund.manual:
        return _("Recorded %(amount)s as refunded by hand (%(reference)s).") % values
    return _("Refunded %(amount)s through %(gateway)s (%(reference)s).") % values


@require_GET
@manage_orders
def order_slip(request: HttpRequest, number: str) -> HttpResponse:
    """The order's packing slip as a PDF."""
    order = _get(number)
    return _file(packing_slips_pdf([order]), "application/pdf",
                 f"packing-slip-{order.number}.pdf")


@require_GET
@manage_orders
def order_label(request: HttpRequest, number: str) -> HttpResponse:
    """The order's address label (first cell of an A4 label sheet)."""
    order = _get(number)
    return _file(address_labels_pdf([order]), "application/pdf",
                 f"address-label-{order.number}.pdf")


@require_GET
@manage_orders
def order_thermal_label(request: HttpRequest, number: str) -> HttpResponse:
    """The order's 100 × 150 mm shipping label(s), one page per parcel."""
    order = _get(number)
    return _file(thermal_labels_for([order]), "application/pdf",
                 f"shipping-label-{order.number}.pdf")


@require_GET
@manage_orders
def order_document(request: HttpRequest, number: str, document: str) -> HttpResponse:
    """One issued document (invoice, receipt, notice, credit note) as PDF."""
    order = _get(number)
    found = document_get(order=order, number=document) if is_reference(
        document) else None
    if found is None:
        raise Http404
    return _file(document_pdf_render(found), "application/pdf",
                 f"{found.number}.pdf")
