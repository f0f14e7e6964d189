"""Settings the owner changes in the back office, stored in the database.

Only what is not already a row of another app lives here: the switches of
payment methods, the owner's email wording and the history of raised
starting numbers. The shop's identity (``invoicing.SellerProfile``) and
the front page (``catalog.FrontPage``) stay where they are.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kedai.core.images import RasterImageField
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



class FontChoice(models.TextChoices):
    """Font stacks of fonts already on the shopper's device: no download,
    no third-party request, no licence to check."""

    SYSTEM = "system", _("Modern sans (the device's own)")
    HUMANIST = "humanist", _("Friendly sans")
    GEOMETRIC = "geometric", _("Geometric sans")
    SERIF = "serif", _("Classic serif")
    ROUNDED = "rounded", _("Rounded")


class ThemeSettings(models.Model):
    """The storefront's look (one row): colours, font and favicon.

    The logo stays on ``catalog.FrontPage`` with the store's name.
    """

    brand_colour = models.CharField(
        _("brand colour"), max_length=7, default="#1f4d3a",
        help_text=_("Buttons, links and the header accents, e.g. #1f4d3a."))
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#c2410c",
        help_text=_("Sale badges and the announcement bar, e.g. #c2410c."))
    font = models.CharField(_("font"), max_length=20, choices=FontChoice.choices,
                            default=FontChoice.SYSTEM)
    favicon = RasterImageField(
        _("favicon"), upload_to="branding/", blank=True,
        help_text=_("A square picture, at least 64×64 pixels."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("theme")

    def __str__(self) -> str:
        return f"{self.brand_colour} / {self.accent_colour} / {self.font}"


class LegalPageKind(models.TextChoices):
    TERMS = "terms", _("Terms and conditions")
    RETURNS = "returns", _("Returns and refunds")
    SHIPPING = "shipping", _("Shipping and delivery")
    PRIVACY = "privacy", _("Privacy notice")
    CONTACT = "contact", _("Contact us")
    ABOUT = "about", _("About us")


class LegalPage(TimeStampedModel):
    """The owner's text of one trust page, in English and Malay.

    Without a row (or with an empty body) the starting text of
    ``kedai.shopsettings.legal_texts`` is shown.
    """

    kind = models.CharField(_("page"), max_length=20, unique=True,
                            choices=LegalPageKind.choices)
    title_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    body_en = models.TextField(_("text (English)"), max_length=30000, blank=True)
    title_ms = models.CharField(_("title (Malay)"), max_length=120, blank=True)
    body_ms = models.TextField(_("text (Malay)"), max_length=30000, blank=True)
    updated_by = models.CharField(_("changed by"), max_length=150, blank=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("shop page")
        verbose_name_plural = _("shop pages")

    def __str__(self) -> str:
        return self.get_kind_display()
