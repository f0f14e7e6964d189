"""Shipping: store methods, carrier rate cards, shipments and their parcels."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kedai.core.models import TimeStampedModel
from kedai.orders.models import Order
from kedai.shipping.ratecards import Band, CardTerms
from kedai.shipping.zones import CarrierZone, Zone

NON_NEGATIVE = [MinValueValidator(Decimal(0))]


class Carrier(models.TextChoices):
    """Couriers Kedai knows: rate cards (Pos Laju, Skynet) and tracking."""

    POSLAJU = "poslaju", _("Pos Laju")
    SKYNET = "skynet", _("Skynet")
    JNT = "jnt", _("J&T Express")
    NINJAVAN = "ninjavan", _("Ninja Van")
    CITYLINK = "citylink", _("City-Link Express")
    GDEX = "gdex", _("GDEX")
    DHL = "dhl", _("DHL eCommerce")
    OTHER = "other", _("Other")


RATE_CARD_CARRIERS = (Carrier.POSLAJU, Carrier.SKYNET)


def _zones_valid(value: object) -> None:
    if not isinstance(value, list) or not set(value) <= set(Zone.values):
        raise ValidationError(_("Choose zones from the list."))


class ShippingMethod(TimeStampedModel):
    """A way of shipping the owner offers, priced by the store itself."""

    class Kind(models.TextChoices):
        FLAT = "flat", _("Flat rate")
        FREE_OVER = "free_over", _("Free above an order amount")
        WEIGHT_BANDS = "weight_bands", _("Weight bands per zone")
        PICKUP = "pickup", _("Local pickup")

    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.FLAT)
    zones = models.JSONField(
        _("zones served"), default=list, blank=True, validators=[_zones_valid],
        help_text=_("Empty for local pickup means any address."))
    eta = models.CharField(_("estimated delivery"), max_length=100, blank=True,
                           help_text=_("For example “2-4 working days”."))
    charge = models.DecimalField(
        _("charge"), max_digits=10, decimal_places=2, default=Decimal(0),
        validators=NON_NEGATIVE,
        help_text=_("Flat rate; below the free amount for “free above”."))
    free_over = models.DecimalField(
        _("free from order amount"), max_digits=12, decimal_places=2, null=True,
        blank=True, validators=NON_NEGATIVE,
        help_text=_("Orders with a subtotal of at least this ship free."))
    max_weight_kg = models.DecimalField(
        _("maximum weight (kg)"), max_digits=8, decimal_places=3, null=True,
        blank=True, validators=NON_NEGATIVE)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")
        constraints = [
            models.CheckConstraint(condition=Q(charge__gte=0),
                                   name="shippingmethod_charge_gte_0"),
            models.CheckConstraint(condition=Q(free_over__gte=0)
                                   | Q(free_over__isnull=True),
                                   name="shippingmethod_free_over_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        return f"method:{self.pk}"

    def clean(self) -> None:
        if self.kind == self.Kind.FREE_OVER and self.free_over is None:
            raise ValidationError({"free_over": _("Enter the order amount.")})
        if self.kind != self.Kind.PICKUP and not self.zones:
            raise ValidationError({"zones": _("Choose at least one zone.")})


class MethodBand(models.Model):
    """A weight band of a “weight bands” method: up to a weight, a charge."""

    method = models.ForeignKey(ShippingMethod, related_name="bands",
                               on_delete=models.CASCADE)
    zone = models.CharField(_("zone"), max_length=20, choices=Zone.choices)
    up_to_kg = models.DecimalField(_("up to (kg)"), max_digits=8, decimal_places=3,
                                   validators=[MinValueValidator(Decimal("0.001"))])
    charge = models.DecimalField(_("charge"), max_digits=10, decimal_places=2,
                                 validators=NON_NEGATIVE)

    class Meta:
        ordering = ["method", "zone", "up_to_kg"]
        verbose_name = _("weight band")
        verbose_name_plural = _("weight bands")
        constraints = [
            models.UniqueConstraint(fields=["method", "zone", "up_to_kg"],
                                    name="methodband_unique_zone_weight"),
            models.CheckConstraint(condition=Q(charge__gte=0),
                                   name="methodband_charge_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.get_zone_display()} ≤ {self.up_to_kg} kg: {self.charge}"


class RateCard(models.Model):
    """One version of a carrier's rate card; one active card per carrier.

    Uploading an edited card creates a new version and retires the old one
    (kept for reference), see ``kedai.shipping.services.rate_card_replace``.
    """

    carrier = models.CharField(_("carrier"), max_length=20,
                               choices=[(c.value, c.label) for c in RATE_CARD_CARRIERS])
    version = models.CharField(_("version"), max_length=60)
    source = models.TextField(_("source"), blank=True)
    effective_date = models.DateField(_("effective from"))
    is_active = models.BooleanField(_("active"), default=True)
    is_sample = models.BooleanField(
        _("sample"), default=False,
        help_text=_("Illustrative prices shipped with Kedai, not the carrier's "
                    "card: upload yours."))
    currency = models.CharField(max_length=3, default="MYR")
    volumetric_divisor = models.PositiveIntegerField(
        _("volumetric divisor"), default=6000,
        validators=[MinValueValidator(1)],
        help_text=_("Volumetric kg = L × W × H (cm) / divisor."))
    rounding_step_kg = models.DecimalField(
        _("rounding step (kg)"), max_digits=6, decimal_places=3,
        default=Decimal("0.5"), validators=NON_NEGATIVE)
    max_weight_kg = models.DecimalField(_("maximum weight (kg)"), max_digits=8,
                                        decimal_places=3, null=True, blank=True,
                                        validators=NON_NEGATIVE)
    max_length_cm = models.DecimalField(_("maximum length of a side (cm)"),
                                        max_digits=8, decimal_places=1, null=True,
                                        blank=True, validators=NON_NEGATIVE)
    fuel_surcharge_pct = models.DecimalField(_("fuel surcharge (%)"), max_digits=5,
                                             decimal_places=2, default=Decimal(0),
                                             validators=NON_NEGATIVE)
    handling_surcharge_pct = models.DecimalField(
        _("handling surcharge (%)"), max_digits=5, decimal_places=2,
        default=Decimal(0), validators=NON_NEGATIVE)
    service_tax_pct = models.DecimalField(_("service tax (%)"), max_digits=5,
                                          decimal_places=2, default=Decimal(0),
                                          validators=NON_NEGATIVE)
    air_surcharge_price = models.DecimalField(
        _("air surcharge per step"), max_digits=8, decimal_places=2,
        default=Decimal(0), validators=NON_NEGATIVE,
        help_text=_("Peninsular <-> Sabah/Sarawak/Labuan only."))
    air_surcharge_step_kg = models.DecimalField(
        _("air surcharge step (kg)"), max_digits=6, decimal_places=3,
        default=Decimal(0), validators=NON_NEGATIVE)
    air_surcharge_free_kg = models.DecimalField(
        _("air surcharge starts above (kg)"), max_digits=6, decimal_places=3,
        default=Decimal(0), validators=NON_NEGATIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(_("loaded by"), max_length=100, blank=True)

    class Meta:
        ordering = ["carrier", "-created_at", "-id"]
        verbose_name = _("rate card")
        verbose_name_plural = _("rate cards")
        constraints = [
            models.UniqueConstraint(fields=["carrier", "version"],
                                    name="ratecard_unique_version"),
            models.UniqueConstraint(fields=["carrier"], condition=Q(is_active=True),
                                    name="ratecard_one_active_per_carrier"),
        ]

    def __str__(self) -> str:
        return f"{self.get_carrier_display()} {self.version}"

    def terms(self) -> CardTerms:
        return CardTerms(
            currency=self.currency, volumetric_divisor=self.volumetric_divisor,
            rounding_step_kg=self.rounding_step_kg, max_weight_kg=self.max_weight_kg,
            max_length_cm=self.max_length_cm,
            fuel_surcharge_pct=self.fuel_surcharge_pct,
            handling_surcharge_pct=self.handling_surcharge_pct,
            service_tax_pct=self.service_tax_pct,
            air_surcharge_price=self.air_surcharge_price,
            air_surcharge_step_kg=self.air_surcharge_step_kg,
            air_surcharge_free_kg=self.air_surcharge_free_kg,
        )


class RateBand(models.Model):
    """One band of a rate card (see kedai.shipping.ratecards for the rule)."""

    card = models.ForeignKey(RateCard, related_name="bands", on_delete=models.CASCADE)
    zone = models.CharField(_("zone"), max_length=20, choices=CarrierZone.choices)
    from_kg = models.DecimalField(max_digits=8, decimal_places=3)
    to_kg = models.DecimalField(max_digits=8, decimal_places=3)
    base_price = models.DecimalField(max_digits=10, decimal_places=2)
    base_kg = models.DecimalField(max_digits=8, decimal_places=3)
    step_price = models.DecimalField(max_digits=10, decimal_places=2)
    step_kg = models.DecimalField(max_digits=8, decimal_places=3)
    eta = models.CharField(_("estimated delivery"), max_length=100, blank=True)

    class Meta:
        ordering = ["card", "zone", "from_kg"]
        verbose_name = _("rate band")
        verbose_name_plural = _("rate bands")
        constraints = [
            models.CheckConstraint(
                condition=Q(base_price__gte=0, step_price__gte=0, from_kg__gte=0,
                            to_kg__gt=models.F("from_kg")),
                name="rateband_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.from_kg}-{self.to_kg} kg"

    def as_band(self) -> Band:
        return Band(zone=self.zone, from_kg=self.from_kg, to_kg=self.to_kg,
                    base_price=self.base_price, base_kg=self.base_kg,
                    step_price=self.step_price, step_kg=self.step_kg, eta=self.eta)


class Shipment(models.Model):
    """Parcels handed to one carrier for an order (one tracking no. each)."""

    order = models.ForeignKey(Order, related_name="shipments",
                              on_delete=models.PROTECT)
    carrier = models.CharField(_("carrier"), max_length=20, choices=Carrier.choices)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True,
                                      db_index=True)
    actor = models.CharField(_("recorded by"), max_length=100)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self) -> str:
        return f"{self.get_carrier_display()} ({self.order_id})"


class ShipmentParcel(models.Model):
    """One parcel of a shipment, known by its tracking (consignment) number."""

    shipment = models.ForeignKey(Shipment, related_name="parcels",
                                 on_delete=models.CASCADE)
    tracking_number = models.CharField(_("tracking number"), max_length=40)

    class Meta:
        ordering = ["shipment", "id"]
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        constraints = [
            models.UniqueConstraint(fields=["shipment", "tracking_number"],
                                    name="shipmentparcel_unique_number"),
        ]

    def __str__(self) -> str:
        return self.tracking_number


class CarrierToken(models.Model):
    """A carrier API's OAuth tokens, shared by every process.

    EasyParcel's access token lasts 36,000 s and is renewed with the
    refresh token (which may itself be replaced at each refresh), so the
    current pair lives here, not in settings. ``last_error`` is the last
    failed refresh, shown to the owner until a refresh succeeds.
    """

    carrier = models.CharField(max_length=40, unique=True)
    access_token = models.TextField(blank=True, default="")
    refresh_token = models.TextField(blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True, default="")
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["carrier"]

    def __str__(self) -> str:
        return f"{self.carrier} token"
