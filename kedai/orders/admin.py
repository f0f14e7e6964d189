"""Orders in the back office: read the tracking history, change status."""

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from kedai.orders.exceptions import OrderError
from kedai.orders.models import Order, OrderEvent, OrderLine, OrderStatus
from kedai.orders.services import order_change_status
from kedai.shipping.admin import ShipmentInline

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = readonly_fields = ("sku", "name", "variant_label", "quantity",
                                "unit_price", "line_tax", "line_total")

    def has_add_permission(self, request, obj=None):
        return False


class OrderEventInline(admin.TabularInline):
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


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "created_at", "customer", "status", "total",
                    "payment_method"]
    list_filter = ["status", "payment_method", "created_at"]
    search_fields = ["number", "email", "phone", "customer__name",
                     "customer__number"]
    list_select_related = ["customer"]
    readonly_fields = [f.name for f in Order._meta.fields
                       if f.name not in ("id", "token_hash", "checkout_key")]
    exclude = ["token_hash", "checkout_key"]
    inlines = [OrderLineInline, ShipmentInline, OrderEventInline]
    actions = [
        _status_action(OrderStatus.PAID, _("Mark paid (offline payment received)")),
        _status_action(OrderStatus.PROCESSING, _("Mark processing")),
        _status_action(OrderStatus.SHIPPED, _("Mark shipped")),
        _status_action(OrderStatus.DELIVERED, _("Mark delivered")),
        _status_action(OrderStatus.CANCELLED, _("Cancel (restock)")),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
