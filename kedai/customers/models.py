"""The customer data file: every buyer, guests included, keyed by email."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kedai.core.models import TimeStampedModel
from kedai.customers.addressing import STATES


class Customer(TimeStampedModel):
    """A buyer. Guests are customers without a password."""

    number = models.CharField(_("customer ID"), max_length=20, unique=True,
                              editable=False)
    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True,
                             help_text=_("E.164, e.g. +60123456789."))
    # A Django password hash; empty for guests.
    password = models.CharField(max_length=255, blank=True, editable=False)
    marketing_consent = models.BooleanField(_("agrees to marketing email"),
                                            default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Address(TimeStampedModel):
    """A saved postal address of a customer (validated by address_clean)."""

    customer = models.ForeignKey(Customer, related_name="addresses",
                                 on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=100)
    line1 = models.CharField(_("address line 1"), max_length=120)
    line2 = models.CharField(_("address line 2"), max_length=120, blank=True)
    city = models.CharField(_("city"), max_length=60)
    postcode = models.CharField(_("postcode"), max_length=5)
    state_code = models.CharField(_("state"), max_length=3, choices=STATES)
    country = models.CharField(_("country"), max_length=2, default="MY")
    phone = models.CharField(_("phone"), max_length=20)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return f"{self.name}, {self.line1}, {self.postcode} {self.city}"
