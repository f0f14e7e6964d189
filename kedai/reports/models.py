"""Stock alerts: a per-variant low-stock threshold that overrides the shop's.

The shop-wide threshold is ``KEDAI_LOW_STOCK_THRESHOLD``; a ``StockAlert``
row exists only for a variant whose owner chose another number.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kedai.catalog.models import Variant
from kedai.core.models import TimeStampedModel


class StockAlert(TimeStampedModel):
    """A variant's own low-stock threshold (stock at or below it is low)."""

    variant = models.OneToOneField(Variant, related_name="stock_alert",
                                   on_delete=models.CASCADE,
                                   verbose_name=_("variant"))
    threshold = models.PositiveIntegerField(
        _("low-stock threshold"),
        help_text=_("Stock at or below this number is low; 0 means only "
                    "when sold out."))

    class Meta:
        ordering = ["variant_id"]
        verbose_name = _("stock alert")
        verbose_name_plural = _("stock alerts")

    def __str__(self) -> str:
        return f"{self.variant_id} ≤ {self.threshold}"
