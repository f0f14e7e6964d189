from django.db import models


class TimeStampedModel(models.Model):
    """Adds ``created_at`` and ``updated_at`` to a model."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class NumberSequence(models.Model):
    """The last number handed out in one series and year (gap-free).

    Rows are only changed by :func:`kedai.core.numbering.number_allocate`,
    inside the transaction that creates the numbered document.
    """

    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField(default=0)  # 0: not per year
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["series", "year"]
        constraints = [
            models.UniqueConstraint(fields=["series", "year"],
                                    name="numbersequence_unique_series_year"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year or ''} → {self.last_value}".strip()
