"""Orders in the Django admin: read the tracking history, change status.

Registered here, at the interface layer, because the page combines the
orders, payments and shipping apps (an offline payment, the shipments).
"""

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from kedai.core.money import Money
from kedai.orders.exceptions import OrderError
from kedai.orders.models import Order, OrderEvent, OrderLine, OrderStatus
from kedai.orders.services import order_change_status
from kedai.payments.exceptions import PaymentError
from kedai.payments.services import payment_mark_received
from kedai.shipping.admin import ShipmentInline

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class OrderLineInline(TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = readonly_fields = ("sku", "name", "variant_label", "quantity",
                                "unit_price", "line_tax", "line_total")

    def has_add_permission(self, request, obj=None):
        return False


class OrderEventInline(TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "status_from", "status_to", "actor",
                                "note")
    verbose_name_plural = _("tracking history")

    def has_add_permission(self, request, obj=None):
        return False


def _status_action(status: str, label: "StrOrPromise"):
    def action(modeladmin, request, queryset):
        for order in queryset:
            try:
                order_change_status(order=order, to=status,
                                    actor=f"staff {request.user.get_username()}")
            except OrderError as exc:
                messages.error(request, f"{order.number}: {exc.message}")
    action.short_description = label  # type: ignore[attr-defined]
    action.__name__ = f"mark_{status}"
    return action


@admin.action(description=_("Mark paid (offline payment received)"))
def mark_paid_offline(modeladmin, request, queryset):
    """Record the full offline payment, so the order gets its payment
    record and charge receipt like any other payment."""
    actor = f"staff {request.user.get_username()}"
    for order in queryset:
        try:
            payment_mark_received(order=order,
                                  amount=Money(order.total, order.currency),
                                  reference=f"recorded by {actor}", actor=actor)
        except (PaymentError, OrderError) as exc:
            messages.error(request, f"{order.number}: {exc.message}")


@admin.register(Order)
class OrderAdmin(ModelAdmin):
    list_display = ["number", "created_at", "customer", "status", "total",
                    "payment_method", "shipping_source"]
    list_filter = ["status", "payment_method", "created_at"]
    search_fields = ["number", "email", "phone", "customer__name",
                     "customer__number"]
    list_select_related = ["customer"]
    readonly_fields = [f.name for f in Order._meta.fields
                       if f.name not in ("id", "token_hash", "checkout_key")]
    exclude = ["token_hash", "checkout_key"]
    inlines = [OrderLineInline, ShipmentInline, OrderEventInline]
    actions = [
        mark_paid_offline,
        _status_action(OrderStatus.PROCESSING, _("Mark processing")),
        _status_action(OrderStatus.SHIPPED, _("Mark shipped")),
        _status_action(OrderStatus.DELIVERED, _("Mark delivered")),
        _status_action(OrderStatus.CANCELLED, _("Cancel (restock)")),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("shipping priced by"))
    def shipping_source(self, order: Order) -> str:
        """Where the shipping charge came from: the shop's own method, the
        carrier's rate card, or a live carrier quote."""
        quote = order.shipping_quote or {}
        return str({"store": _("shop method"), "rate_card": _("rate card"),
                    "live": _("live carrier quote")}.get(quote.get("source", ""), "—"))
