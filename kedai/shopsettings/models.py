"""Settings the owner changes in the back office, stored in the database.

Only what is not already a row of another app lives here: the switches of
payment methods, the owner's email wording and the history of raised
starting numbers. The shop's identity (``invoicing.SellerProfile``) and
the front page (``catalog.FrontPage``) stay where they are.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kedai.core.models import TimeStampedModel


class PaymentMethodSwitch(TimeStampedModel):
    """The owner's switches for one payment method code.

    Without a row a method behaves as configured in settings: offered when
    listed in KEDAI_PAYMENT_METHODS, talking to the gateway's configured
    BASE_URL. ``enabled`` only hides the method from checkout; callbacks of
    payments already started are still accepted. ``sandbox`` makes the
    gateway talk to the sandbox whatever BASE_URL says.
    """

    code = models.CharField(_("method code"), max_length=40, unique=True)
    enabled = models.BooleanField(_("offered at checkout"), default=True)
    sandbox = models.BooleanField(_("use the sandbox"), default=False)
    updated_by = models.CharField(_("changed by"), max_length=150, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("payment method switch")
        verbose_name_plural = _("payment method switches")

    def __str__(self) -> str:
        return self.code


class EmailEvent(models.TextChoices):
    INVOICE = "invoice", _("Invoice (to the buyer)")
    NEW_ORDER = "new_order", _("New order notice (to you)")
    RECEIPT = "receipt", _("Receipt (to the buyer)")
    PAYMENT_RECEIVED = "payment_received", _("Payment received (to you)")
    SHIPPING = "shipping", _("Shipping notice (to the buyer)")
    CANCELLATION = "cancellation", _("Cancellation (to the buyer and you)")
    REFUND = "refund", _("Refund and credit note (to the buyer and you)")


class EmailWording(TimeStampedModel):
    """The owner's words for one email: subject, intro and closing footer.

    Empty subject or intro keep the built-in wording (translated); the
    layout of the email stays in code. Texts hold ``{placeholders}``
    checked by ``kedai.shopsettings.wording.wording_check``.
    """

    event = models.CharField(_("email"), max_length=30, unique=True,
                             choices=EmailEvent.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    intro = models.TextField(_("intro"), max_length=2000, blank=True)
    footer = models.TextField(_("footer"), max_length=2000, blank=True)
    updated_by = models.CharField(_("changed by"), max_length=150, blank=True)

    class Meta:
        ordering = ["event"]
        verbose_name = _("email wording")
        verbose_name_plural = _("email wording")

    def __str__(self) -> str:
        return self.get_event_display()


class NumberingStart(models.Model):
    """A starting number the owner set for a series and year (history).

    ``last_value`` is what the counter was set to (the first number handed
    out is ``last_value + 1``); while the counter still holds it, nothing
    of that series and year has been issued.
    """

    series = models.CharField(_("series"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"), default=0)
    last_value = models.PositiveBigIntegerField()
    set_by = models.CharField(_("set by"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("starting number")
        verbose_name_plural = _("starting numbers")

    def __str__(self) -> str:
        return f"{self.series} {self.year or ''} from {self.last_value + 1}"

