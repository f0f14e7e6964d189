"""/office/orders/o/<number>/: refunds — of order lines, of a flagged
payment in full, and the confirmation of a refund given back by hand in
the gateway's dashboard. Each asks for confirmation first (a page that
says what will happen), then calls one service (kedai.payments.refunds)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kedai.backoffice.orders import forms
from kedai.backoffice.orders.order_page import (
    action_confirmed,
    confirm_page,
    manage_orders,
    order_done,
    order_or_404,
    order_refused,
    staff_actor,
)
from kedai.core.exceptions import ApplicationError
from kedai.core.money import Money
from kedai.payments.models import Payment, Refund
from kedai.payments.refunds import (
    gateway_short_name,
    order_refund_lines,
    order_refund_preview,
    payment_refund_flagged,
    refund_confirm_by_hand,
    refunds_by_api,
)


@require_POST
@manage_orders
def order_refund(request: HttpRequest, number: str) -> HttpResponse:
    """Refund lines (quantity, restock yes/no) with a reason."""
    order = order_or_404(number)
    form = forms.RefundForm(request.POST, order=order)
    if not form.is_valid():
        return order_refused(request, number,
                             _("Check the quantities and give a reason."),
                             refund_form=form)
    args = {"order": order, "returns": form.returns(),
            "reason": form.cleaned_data["reason"],
            "include_shipping": form.cleaned_data["include_shipping"],
            "manual": form.cleaned_data["manual"]}
    if not action_confirmed(request):
        try:
            preview = order_refund_preview(**args)
        except ApplicationError as exc:
            return order_refused(request, number, exc.message, refund_form=form)
        return confirm_page(
            request, order, title=_("Refund %(amount)s of order %(number)s?")
            % {"amount": preview.amount, "number": order.number},
            consequences=_refund_consequences(preview),
            reason=form.cleaned_data["reason"],
            action=reverse("backoffice_orders:refund", args=[order.number]),
            button=_("Yes, refund %(amount)s") % {"amount": preview.amount})
    try:
        refund = order_refund_lines(**args, actor=staff_actor(request))
    except ApplicationError as exc:
        return order_refused(request, number, exc.message, refund_form=form)
    return order_done(request, order, _refund_message(refund))


@require_POST
@manage_orders
def order_payment_refund(request: HttpRequest, number: str,
                         reference: str) -> HttpResponse:
    """Refund a flagged payment (a duplicate, paid after closing) in full."""
    order = order_or_404(number)
    payment = Payment.objects.filter(order=order, reference=reference).first()
    if payment is None:
        raise Http404
    manual = bool(request.POST.get("manual"))
    # Only a refund the service would do gets a confirmation page; any
    # other is refused at once by the service, with its message.
    if not action_confirmed(request) and payment.flag and not payment.pays_order:
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
        return confirm_page(
            request, order, title=_("Refund payment %(reference)s?")
            % {"reference": payment.reference}, consequences=consequences,
            action=reverse("backoffice_orders:payment_refund",
                           args=[order.number, payment.reference]),
            button=_("Yes, refund %(amount)s") % {"amount": left})
    try:
        refund = payment_refund_flagged(payment=payment, actor=staff_actor(request),
                                        manual=manual)
    except ApplicationError as exc:
        return order_refused(request, number, exc.message)
    return order_done(request, order, _refund_message(refund))


@require_POST
@manage_orders
def order_refund_confirm(request: HttpRequest, number: str,
                         reference: str) -> HttpResponse:
    """The owner gave back a "to refund by hand" refund in the gateway's
    dashboard: record it as done."""
    order = order_or_404(number)
    refund = Refund.objects.filter(payment__order=order, reference=reference).first()
    if refund is None:
        raise Http404
    try:
        done = refund_confirm_by_hand(refund=refund, actor=staff_actor(request))
    except ApplicationError as exc:
        return order_refused(request, number, exc.message)
    return order_done(request, order, _("Refund %(reference)s of %(amount)s confirmed "
                                        "as given back in %(gateway)s's dashboard.")
                      % {"reference": done.reference,
                         "amount": Money(done.amount, done.payment.currency),
                         "gateway": gateway_short_name(done.payment.gateway)})


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


