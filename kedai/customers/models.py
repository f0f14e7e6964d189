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


class SignInToken(models.Model):
    """A short-lived capability that identifies a customer without cookies.

    ``LINK``: the one-time sign-in link sent by email (used once, then
    dead). ``ACCESS``: the token of the account pages handed out after a
    link or a password sign-in, valid until ``expires_at``. A ``LINK`` made
    from a checkout remembers it, so following the link signs that checkout
    in. Only the SHA-256 of a token is stored.
    """

    class Kind(models.TextChoices):
        LINK = "link", _("Sign-in link")
        ACCESS = "access", _("Account access")

    customer = models.ForeignKey(Customer, related_name="sign_in_tokens",
                                 on_delete=models.CASCADE)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    checkout_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in token")
        verbose_name_plural = _("sign-in tokens")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.customer.number}"
