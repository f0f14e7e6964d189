"""The order page of /office/orders/ and the answers every action on
one order gives: the page again with the refused input's message (400),
a redirect back to it when done, or a confirmation page first."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from kedai.backoffice.access import office_view
from kedai.backoffice.orders import forms
from kedai.backoffice.orders.selectors import order_get
from kedai.core.forms import is_reference
from kedai.invoicing.selectors import document_list
from kedai.orders.models import Order, OrderStatus
from kedai.orders.services import TRANSITIONS
from kedai.payments.refunds import (
    gateway_short_name,
    paying_payment,
    refunds_by_api,
)
from kedai.payments.registry import OFFLINE_METHODS
from kedai.payments.selectors import payment_list_for_order
from kedai.shipping.selectors import tracking_links

manage_orders = office_view("manage_orders")


def staff_actor(request: HttpRequest) -> str:
    return request.user.get_username()


def order_or_404(number: str) -> Order:
    order = order_get(number=number.upper()) if is_reference(number) else None
    if order is None:
        raise Http404
    return order


def order_page(request: HttpRequest, order: Order, *, status: int = 200,
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


def order_refused(request: HttpRequest, number: str, message: str,
                  **forms_given) -> HttpResponse:
    messages.error(request, message)
    return order_page(request, order_or_404(number), status=400, **forms_given)


def order_done(request: HttpRequest, order: Order, message: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(
        reverse("backoffice_orders:detail", args=[order.number]), status=303)


def action_confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirmed") == "yes"


def confirm_page(request: HttpRequest, order: Order, *, title: str,
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


