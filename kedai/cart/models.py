"""The cart: the server-side "temporary order file" of a shopper."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kedai.catalog.models import Variant
from kedai.core.models import TimeStampedModel


class Cart(TimeStampedModel):
    """A shopper's cart, reached only through its capability token."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CHECKED_OUT = "checked_out", _("Checked out")

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=12, choices=Status.choices,
                              default=Status.OPEN)
    currency = models.CharField(max_length=3, default="MYR")
    email = models.EmailField(_("email"), blank=True)
    # Updated on every change and on each visit (at most hourly); drives expiry.
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set by the promotions app when a code goes on the cart (and cleared
    # when the last comes off): the cart page looks for codes only then.
    has_codes = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self) -> str:
        return f"Cart #{self.pk}"

    @property
    def expires_at(self):
        return self.last_seen_at + timedelta(days=settings.KEDAI_CART_TTL_DAYS)

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class CartLine(TimeStampedModel):
    """A variant and quantity in a cart. Prices are read live, not stored."""

    cart = models.ForeignKey(Cart, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey(Variant, related_name="+", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"],
                                    name="cartline_unique_variant"),
            models.CheckConstraint(condition=Q(quantity__gte=1),
                                   name="cartline_quantity_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant.sku}"
