"""Promotions: campaigns, voucher codes, automatic discounts, free delivery.

The amounts are worked out by the one pricing function
(:func:`kedai.checkout.pricing.price_order`); this app decides which
discounts apply and counts their use (docs/promotions.md).
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kedai.cart.models import Cart
from kedai.catalog.models import Category, Product
from kedai.core.models import TimeStampedModel
from kedai.customers.models import Customer
from kedai.orders.models import Order
from kedai.shipping.zones import Zone

MAX_CODE_LENGTH = 32


STATE_LABELS = {"paused": _("Paused"), "scheduled": _("Scheduled"),
                "ended": _("Ended"), "live": _("Live")}


class Scope(models.TextChoices):
    ORDER = "order", _("The whole order")
    CATEGORIES = "categories", _("Products in some categories")
    PRODUCTS = "products", _("Some products")


class Scheduled(TimeStampedModel):
    """Something live between ``starts_at`` and ``ends_at`` unless paused;
    inside a campaign it is live only while the campaign is."""

    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    is_paused = models.BooleanField(_("paused"), default=False)

    class Meta:
        abstract = True

    def schedule_state(self, now: datetime) -> str:
        """``paused``, ``scheduled`` (not yet started), ``ended`` or ``live``."""
        if self.is_paused:
            return "paused"
        if self.starts_at is not None and now < self.starts_at:
            return "scheduled"
        if self.ends_at is not None and now >= self.ends_at:
            return "ended"
        return "live"


def live_q(now: datetime, prefix: str = "") -> Q:
    """Rows of a :class:`Scheduled` model live at ``now``."""
    p = prefix
    return (Q(**{f"{p}is_paused": False})
            & (Q(**{f"{p}starts_at__isnull": True}) | Q(**{f"{p}starts_at__lte": now}))
            & (Q(**{f"{p}ends_at__isnull": True}) | Q(**{f"{p}ends_at__gt": now})))


def campaign_live_q(now: datetime) -> Q:
    return live_q(now) & (Q(campaign__isnull=True) | live_q(now, "campaign__"))


class Campaign(Scheduled):
    """A named sale period (11.11, Hari Raya) grouping discounts; its
    discounts apply only while it runs, so it starts and ends by itself."""

    name = models.CharField(_("name"), max_length=100)
    # Shown as the front page announcement while the campaign runs
    # (office.campaign_banners_sync); the shop's own line is put back after.
    banner = models.CharField(_("front page banner"), max_length=200, blank=True)
    banner_shown = models.BooleanField(default=False, editable=False)
    announcement_before = models.CharField(max_length=200, blank=True,
                                           editable=False)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")), name="campaign_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name


class Voucher(Scheduled):
    """A code a shopper types in. ``times_used`` is only changed by a
    conditional UPDATE in the order-placing transaction (services)."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off")
        FIXED = "fixed", _("Fixed amount off")
        FREE_DELIVERY = "free_delivery", _("Free delivery")

    code = models.CharField(_("code"), max_length=MAX_CODE_LENGTH, unique=True,
                            help_text=_("Letters, digits and dashes; shoppers may "
                                        "type it in any case."))
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), null=True,
                                 blank=True, related_name="vouchers",
                                 on_delete=models.SET_NULL)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices,
                            default=Kind.PERCENT)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2,
                                default=0, help_text=_("Percent, or ringgit off."))
    scope = models.CharField(_("applies to"), max_length=12, choices=Scope.choices,
                             default=Scope.ORDER)
    categories = models.ManyToManyField(Category, verbose_name=_("categories"),
                                        blank=True, related_name="+")
    products = models.ManyToManyField(Product, verbose_name=_("products"),
                                      blank=True, related_name="+")
    min_spend = models.DecimalField(_("minimum spend"), max_digits=12,
                                    decimal_places=2, null=True, blank=True)
    usage_limit = models.PositiveIntegerField(_("total uses allowed"), null=True,
                                              blank=True)
    per_customer_limit = models.PositiveIntegerField(
        _("uses per customer"), null=True, blank=True)
    times_used = models.PositiveIntegerField(_("times used"), default=0)
    combinable = models.BooleanField(
        _("may be combined with other codes"), default=False)
    batch = models.CharField(_("batch"), max_length=60, blank=True,
                             help_text=_("Set on codes generated together."))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        constraints = [
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True)
                | Q(times_used__lte=F("usage_limit")),
                name="voucher_used_lte_limit"),
            models.CheckConstraint(condition=Q(value__gte=0),
                                   name="voucher_value_gte_0"),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=100),
                name="voucher_percent_lte_100"),
        ]

    def __str__(self) -> str:
        return self.code


class AutomaticDiscount(Scheduled):
    """A discount without a code: a percentage off, or buy X get Y free."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off")
        BUY_X_GET_Y = "buy_x_get_y", _("Buy X, get Y free")

    name = models.CharField(_("name"), max_length=100)
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), null=True,
                                 blank=True, related_name="discounts",
                                 on_delete=models.SET_NULL)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices,
                            default=Kind.PERCENT)
    value = models.DecimalField(_("percent off"), max_digits=5, decimal_places=2,
                                default=0)
    buy_quantity = models.PositiveSmallIntegerField(_("buy"), default=2)
    get_quantity = models.PositiveSmallIntegerField(_("get free"), default=1)
    scope = models.CharField(_("applies to"), max_length=12, choices=Scope.choices,
                             default=Scope.CATEGORIES)
    categories = models.ManyToManyField(Category, verbose_name=_("categories"),
                                        blank=True, related_name="+")
    products = models.ManyToManyField(Product, verbose_name=_("products"),
                                      blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("automatic discount")
        verbose_name_plural = _("automatic discounts")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0) & Q(value__lte=100),
                                   name="autodiscount_percent_0_100"),
            models.CheckConstraint(condition=Q(buy_quantity__gte=1)
                                   & Q(get_quantity__gte=1),
                                   name="autodiscount_buy_get_gte_1"),
        ]

    def __str__(self) -> str:
        return self.name


class FreeDeliveryThreshold(Scheduled):
    """Free delivery to a zone for goods totalling at least ``min_subtotal``."""

    zone = models.CharField(_("zone"), max_length=16, choices=Zone.choices)
    min_subtotal = models.DecimalField(_("free above"), max_digits=12,
                                       decimal_places=2)
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), null=True,
                                 blank=True, related_name="thresholds",
                                 on_delete=models.SET_NULL)

    class Meta:
        ordering = ["zone", "min_subtotal"]
        verbose_name = _("free-delivery threshold")
        verbose_name_plural = _("free-delivery thresholds")
        constraints = [
            models.CheckConstraint(condition=Q(min_subtotal__gte=0),
                                   name="freedelivery_min_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.get_zone_display()} ≥ {self.min_subtotal}"


class CartCode(models.Model):
    """A code a shopper entered on a cart (checked again at placing)."""

    cart = models.ForeignKey(Cart, related_name="+", on_delete=models.CASCADE)
    voucher = models.ForeignKey(Voucher, related_name="+", on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "voucher"],
                                    name="cartcode_unique_voucher"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_id} on cart {self.cart_id}"


class DiscountUse(models.Model):
    """One discount given on one order: the report's row and, for a
    voucher, one use of it.

    ``slot`` numbers a customer's uses of a voucher with a per-customer
    limit (1 … limit); the partial unique constraint lets two concurrent
    checkouts of the same customer never both take slot 1. A released use
    (cancelled or expired order) frees its slot and its count.
    """

    order = models.ForeignKey(Order, related_name="+", on_delete=models.CASCADE)
    customer = models.ForeignKey(Customer, related_name="+",
                                 on_delete=models.CASCADE)
    voucher = models.ForeignKey(Voucher, null=True, blank=True, related_name="uses",
                                on_delete=models.PROTECT)
    automatic = models.ForeignKey(AutomaticDiscount, null=True, blank=True,
                                  related_name="uses", on_delete=models.PROTECT)
    threshold = models.ForeignKey(FreeDeliveryThreshold, null=True, blank=True,
                                  related_name="uses", on_delete=models.PROTECT)
    campaign = models.ForeignKey(Campaign, null=True, blank=True,
                                 related_name="uses", on_delete=models.SET_NULL)
    label = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_amount = models.DecimalField(max_digits=12, decimal_places=2,
                                          default=0)
    slot = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("discount given")
        verbose_name_plural = _("discounts given")
        constraints = [
            models.UniqueConstraint(
                fields=["voucher", "customer", "slot"],
                condition=Q(released_at__isnull=True) & Q(slot__isnull=False),
                name="discountuse_unique_customer_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.label} on order {self.order_id}"
