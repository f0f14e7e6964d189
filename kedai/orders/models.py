"""Orders and the order tracking database (every status change, kept)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kedai.catalog.models import Variant
from kedai.core.models import TimeStampedModel
from kedai.customers.models import Customer


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    PROCESSING = "processing", _("Processing")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


def order_language_normalise(code: str | None) -> str:
    """``code`` as one of settings.LANGUAGES ("ms-my" -> "ms"), else the
    default language."""
    from django.conf import settings

    codes = {c for c, _name in settings.LANGUAGES}
    code = (code or "").lower()
    for candidate in (code, code.split("-")[0]):
        if candidate in codes:
            return candidate
    return settings.LANGUAGE_CODE


class Order(TimeStampedModel):
    """A placed order. Amounts and lines are snapshots, never recomputed."""

    number = models.CharField(_("order number"), max_length=24, unique=True,
                              editable=False)
    # SHA-256 of the order page's capability token (like carts).
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The checkout's idempotency key: placing the same checkout twice
    # returns this order instead of a second one.
    checkout_key = models.CharField(max_length=64, unique=True, editable=False)
    customer = models.ForeignKey(Customer, related_name="orders",
                                 on_delete=models.PROTECT)
    status = models.CharField(_("status"), max_length=20,
                              choices=OrderStatus.choices,
                              default=OrderStatus.AWAITING_PAYMENT)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=20)
    billing_address = models.JSONField(_("billing address"))
    shipping_address = models.JSONField(_("shipping address"))
    currency = models.CharField(max_length=3)
    prices_include_tax = models.BooleanField()
    subtotal = models.DecimalField(_("subtotal"), max_digits=12, decimal_places=2)
    tax_total = models.DecimalField(_("tax"), max_digits=12, decimal_places=2)
    shipping_method = models.CharField(_("shipping method"), max_length=60)
    shipping_total = models.DecimalField(_("shipping"), max_digits=12,
                                         decimal_places=2)
    rounding = models.DecimalField(_("rounding"), max_digits=12, decimal_places=2)
    # Discounts (kedai.promotions) already taken off ``subtotal`` (goods,
    # in the terms prices are entered in) and off ``shipping_total``.
    discount_total = models.DecimalField(_("discount"), max_digits=12,
                                         decimal_places=2, default=0)
    shipping_discount = models.DecimalField(_("shipping discount"), max_digits=12,
                                            decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    payment_method = models.CharField(_("payment method"), max_length=40)
    # The shipping quote as accepted (method code, carrier, source of the
    # price, ETA, parcel weight); {} for orders placed before it was kept.
    shipping_quote = models.JSONField(_("shipping quote"), default=dict, blank=True)
    # A buyer who asked for an e-invoice: {"tin", "id_type" (BRN, NRIC,
    # PASSPORT or ARMY), "id_number", "sst_number"}; {} otherwise.
    buyer_einvoice = models.JSONField(_("buyer e-invoice details"), default=dict,
                                      blank=True)
    # Stock stays reserved for an unpaid order until then (orders.tasks).
    reserved_until = models.DateTimeField(null=True, blank=True, db_index=True)
    # The language the order was placed in (a code of settings.LANGUAGES):
    # its mails and documents are written in it.
    language = models.CharField(_("language"), max_length=10, default="en")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0),
                                   name="order_total_gte_0"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """What was bought, at the price and tax of the moment it was bought."""

    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey(Variant, null=True, related_name="+",
                                on_delete=models.SET_NULL)
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    variant_label = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    line_net = models.DecimalField(max_digits=12, decimal_places=2)
    line_tax = models.DecimalField(max_digits=12, decimal_places=2)
    line_total = models.DecimalField(max_digits=12, decimal_places=2)
    # Taken off unit_price × quantity before tax (entered terms: gross
    # when prices include tax); line_net/line_tax/line_total are after it.
    discount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2,
                                   default=0)
    tax_kind = models.CharField(max_length=10)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    # How many of ``quantity`` were refunded, and how many of those (or of
    # a cancelled order's) went back to stock; never more than bought.
    quantity_refunded = models.PositiveIntegerField(_("refunded"), default=0)
    quantity_restocked = models.PositiveIntegerField(_("restocked"), default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1),
                                   name="orderline_quantity_gte_1"),
            models.CheckConstraint(condition=Q(quantity_refunded__lte=F("quantity")),
                                   name="orderline_refunded_lte_quantity"),
            models.CheckConstraint(condition=Q(quantity_restocked__lte=F("quantity")),
                                   name="orderline_restocked_lte_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class OrderEvent(models.Model):
    """One entry of the tracking database: a status change or a note."""

    order = models.ForeignKey(Order, related_name="events", on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status_from = models.CharField(max_length=20, blank=True,
                                   choices=OrderStatus.choices)
    status_to = models.CharField(max_length=20, choices=OrderStatus.choices)
    actor = models.CharField(_("by"), max_length=100)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order.number}: {self.status_from or '—'} → {self.status_to}"
