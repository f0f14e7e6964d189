"""Payment attempts, the raw callback log, refunds and settlement reports."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kedai.core.models import TimeStampedModel
from kedai.orders.models import Order


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    AUTHORISED = "authorised", _("Authorised")
    CAPTURED = "captured", _("Captured")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")


class PaymentFlag(models.TextChoices):
    NONE = "", _("None")
    # A second, real payment for an order that was already paid (refund it).
    DUPLICATE = "duplicate", _("Duplicate payment for a paid order")
    # Paid after the order was cancelled (stock released): refund or ship.
    ORDER_CLOSED = "order_closed", _("Paid after the order was closed")
    AMOUNT_MISMATCH = "amount_mismatch", _("Gateway reported another amount")


class Payment(TimeStampedModel):
    """One attempt to pay one order through one gateway or offline.

    A shopper may make several attempts (after a decline, or with another
    method); at most one of them pays the order (``pays_order``).
    """

    order = models.ForeignKey(Order, related_name="payments",
                              on_delete=models.PROTECT)
    gateway = models.CharField(_("gateway"), max_length=20)
    # Kedai's reference sent to the gateway (iPay88 RefNo, Fiuu orderid…).
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    # The gateway's id: Billplz bill, Stripe session, iPay88 TransId…
    gateway_reference = models.CharField(_("gateway reference"), max_length=100,
                                         blank=True, default="")
    # The money movement at the gateway (Stripe PaymentIntent, Billplz
    # transaction id), needed for refunds; "" if the gateway has none.
    transaction_id = models.CharField(_("transaction id"), max_length=100,
                                      blank=True, default="")
    status = models.CharField(_("status"), max_length=20,
                              choices=PaymentStatus.choices,
                              default=PaymentStatus.PENDING)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    fee = models.DecimalField(_("fee"), max_digits=12, decimal_places=2,
                              null=True, blank=True)
    refunded_amount = models.DecimalField(_("refunded"), max_digits=12,
                                          decimal_places=2, default=0)
    pays_order = models.BooleanField(_("pays the order"), default=False)
    flag = models.CharField(_("needs attention"), max_length=20, blank=True,
                            default="", choices=PaymentFlag.choices)
    # SHA-256 of the browser-return token in the return URL.
    return_token_hash = models.CharField(max_length=64, blank=True, default="",
                                         db_index=True)
    # Where the shopper was sent: {"url", "method", "fields"}.
    redirect = models.JSONField(default=dict, blank=True)
    message = models.CharField(_("gateway message"), max_length=255, blank=True,
                               default="")
    captured_at = models.DateTimeField(_("captured at"), null=True, blank=True)
    last_queried_at = models.DateTimeField(null=True, blank=True)
    actor = models.CharField(_("recorded by"), max_length=100, blank=True,
                             default="")
    # While a request is creating this attempt at the gateway: another
    # "Pay" (a double click) makes its own attempt instead of sending this
    # reference again, so every bill the gateway makes is known to Kedai.
    creating_until = models.DateTimeField(null=True, blank=True)
    # A second capture of an attempt already captured (a new transaction
    # id for the same reference): kept as its own flagged row to refund;
    # the gateway knows it by this attempt's reference.
    duplicate_of = models.ForeignKey("self", null=True, blank=True,
                                     related_name="duplicates",
                                     on_delete=models.PROTECT)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_reference"],
                condition=~Q(gateway_reference=""),
                name="payment_unique_gateway_reference"),
            # An order is paid by one payment only (ARCHITECTURE.md §5).
            models.UniqueConstraint(fields=["order"], condition=Q(pays_order=True),
                                    name="payment_one_paying_per_order"),
            models.CheckConstraint(condition=Q(amount__gt=0),
                                   name="payment_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0)
                & Q(refunded_amount__lte=F("amount")),
                name="payment_refund_within_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_status_display()})"


class CallbackLog(models.Model):
    """Every callback, webhook and browser return, raw, with its verdict."""

    class Kind(models.TextChoices):
        CALLBACK = "callback", _("Server callback")
        RETURN = "return", _("Browser return")
        QUERY = "query", _("Status query")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    gateway = models.CharField(max_length=20)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    payment = models.ForeignKey(Payment, null=True, blank=True,
                                related_name="callbacks",
                                on_delete=models.SET_NULL)
    method = models.CharField(max_length=10, blank=True, default="")
    payload = models.JSONField(default=dict, blank=True)
    raw_body = models.TextField(blank=True, default="")
    verified = models.BooleanField(default=False)
    outcome = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.gateway} {self.kind}: {self.outcome}"


class Refund(TimeStampedModel):
    """Money given back from one captured payment."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        # The gateway has no refund API: the owner must give the money back
        # in its dashboard, then confirm it here. No money has moved yet.
        TO_REFUND_BY_HAND = "to_refund_by_hand", _("To refund by hand")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, related_name="refunds",
                                on_delete=models.PROTECT)
    reference = models.CharField(max_length=40, unique=True)
    gateway_reference = models.CharField(max_length=100, blank=True, default="")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    # Manual: done by the owner in the gateway portal or by bank transfer.
    manual = models.BooleanField(default=False)
    # Who confirmed a refund made by hand, and when.
    confirmed_by = models.CharField(max_length=100, blank=True, default="")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=255, blank=True, default="")
    actor = models.CharField(max_length=100)
    message = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0),
                                   name="refund_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class SettlementReport(TimeStampedModel):
    """A gateway's settlement / payout report as uploaded by the owner."""

    gateway = models.CharField(_("gateway"), max_length=20)
    file_name = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(max_length=20)
    uploaded_by = models.CharField(max_length=100, blank=True, default="")
    period_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.gateway} {self.file_name}"


class SettlementLine(models.Model):
    """One line of a settlement report and what it matched."""

    class Result(models.TextChoices):
        MATCHED = "matched", _("Matched")
        UNMATCHED = "unmatched", _("No such payment")
        AMOUNT_MISMATCH = "amount_mismatch", _("Amount differs")
        NOT_CAPTURED = "not_captured", _("Payment not captured")
        DUPLICATE = "duplicate", _("Settled twice")
        NEVER_SETTLED = "never_settled", _("Captured, never settled")

    report = models.ForeignKey(SettlementReport, related_name="lines",
                               on_delete=models.CASCADE)
    line_number = models.PositiveIntegerField()
    payout_id = models.CharField(max_length=100, blank=True, default="")
    settled_on = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True, default="")
    gateway_reference = models.CharField(max_length=100, blank=True, default="")
    gross = models.DecimalField(max_digits=12, decimal_places=2)
    fee = models.DecimalField(max_digits=12, decimal_places=2)
    net = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    payment = models.ForeignKey(Payment, null=True, blank=True,
                                related_name="settlement_lines",
                                on_delete=models.SET_NULL)
    result = models.CharField(max_length=20, choices=Result.choices)
    note = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["report", "line_number"]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.line_number} {self.result}"


class GatewaySecret(TimeStampedModel):
    """A gateway key entered by the owner in the back office.

    Only the ciphertext is stored (Fernet, keyed by ``KEDAI_SECRETS_KEY``:
    :mod:`kedai.payments.secrets`); an environment variable for the same
    option wins over it. Never exported or backed up in the clear.
    """

    gateway = models.CharField(_("gateway"), max_length=20)
    name = models.CharField(_("option"), max_length=40)
    ciphertext = models.TextField()
    updated_by = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["gateway", "name"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "name"],
                                    name="gatewaysecret_one_per_option"),
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.name}"
