"""API keys, idempotency records and outbound webhook endpoints."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kedai.core.models import TimeStampedModel

# Each admin-API area, read or write; write implies read.
AREAS = ("orders", "catalog", "customers", "documents", "settlements")
SCOPES = tuple(f"{area}:{mode}" for area in AREAS for mode in ("read", "write"))


class ApiKey(TimeStampedModel):
    """A key for the admin API. Only the SHA-256 of the secret is stored;
    ``prefix`` (the first characters, not secret) tells keys apart."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.CharField(max_length=150, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API key")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        area, _sep, mode = scope.partition(":")
        return scope in self.scopes or (mode == "read"
                                        and f"{area}:write" in self.scopes)


class IdempotencyRecord(models.Model):
    """The first answer to a creating POST with an ``Idempotency-Key``.

    ``scope`` is who asked (an API key, a cart token's hash, or "store"
    for anonymous cart creation) and the route, so one client's key never
    replays another client's answer.
    """

    scope = models.CharField(max_length=200)
    key = models.CharField(max_length=255)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.BinaryField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"],
                                               name="idempotency_unique_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class WebhookEvent(models.TextChoices):
    ORDER_PLACED = "order.placed", _("Order placed")
    ORDER_PAID = "order.paid", _("Order paid")
    ORDER_CANCELLED = "order.cancelled", _("Order cancelled")
    ORDER_REFUNDED = "order.refunded", _("Order refunded")
    ORDER_FULFILLED = "order.fulfilled", _("Order fulfilled")
    STOCK_LOW = "stock.low", _("Stock low")
    PRODUCT_CHANGED = "product.changed", _("Product changed")


class WebhookEndpoint(TimeStampedModel):
    """A URL the owner registered for some events, with its signing secret."""

    url = models.URLField(_("URL"), max_length=254)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook endpoint")

    def __str__(self) -> str:
        return self.url
