"""A checkout in progress: the shopper's details between cart and order."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kedai.cart.models import Cart
from kedai.core.models import TimeStampedModel
from kedai.customers.models import Customer
from kedai.orders.models import Order


class Checkout(TimeStampedModel):
    """One checkout of a cart, reached only through its own token.

    The token is new when checkout starts (ARCHITECTURE.md §3), so the cart
    link never shows the personal data entered here. Only its SHA-256 is
    stored; it is also the idempotency key passed to ``checkout_complete``.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Completed")

    cart = models.ForeignKey(Cart, related_name="checkouts", on_delete=models.CASCADE)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=12, choices=Status.choices,
                              default=Status.OPEN)
    # Set when a returning customer signed in (password or sign-in link).
    customer = models.ForeignKey(Customer, related_name="+", null=True, blank=True,
                                 on_delete=models.CASCADE)
    email = models.EmailField(_("email"), blank=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # dataclasses.asdict(PostalAddress), or {} before the details step.
    billing = models.JSONField(_("billing address"), default=dict, blank=True)
    shipping = models.JSONField(_("shipping address"), default=dict, blank=True)
    marketing_consent = models.BooleanField(default=False)
    # BuyerTaxIdentity.as_dict() when the buyer asked for an e-invoice.
    buyer_einvoice = models.JSONField(default=dict, blank=True)
    shipping_method = models.CharField(_("shipping method"), max_length=40,
                                       blank=True)
    payment_method = models.CharField(_("payment method"), max_length=40,
                                      blank=True)
    accepted_at = models.DateTimeField(_("terms accepted at"), null=True,
                                       blank=True)
    order = models.ForeignKey(Order, related_name="+", null=True, blank=True,
                              on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")

    def __str__(self) -> str:
        return f"Checkout #{self.pk}"

    @property
    def has_details(self) -> bool:
        return bool(self.email and self.shipping and self.billing)

    @property
    def has_delivery(self) -> bool:
        return bool(self.shipping_method and self.payment_method)
