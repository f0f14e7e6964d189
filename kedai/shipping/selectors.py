"""Shipping reads: weightless products, shipments and tracking links."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from kedai.catalog.models import Variant
from kedai.orders.models import Order
from kedai.shipping.models import Carrier, Shipment
from kedai.shipping.tracking import tracking_url


def products_without_weight() -> QuerySet[Variant]:
    """Active variants of active products with no weight entered.

    Their parcels weigh too little, so carrier prices come out too low:
    the back office warns the owner about them (a quote never fails).
    """
    return (Variant.objects.filter(weight_grams=0, is_active=True,
                                   product__is_active=True)
            .select_related("product").order_by("product__name", "sku"))


def shipment_list(*, order: Order) -> QuerySet[Shipment]:
    """The shipments of ``order`` with their parcels, oldest first."""
    return (Shipment.objects.filter(order=order).prefetch_related("parcels")
            .order_by("created_at", "id"))


@dataclass(frozen=True)
class TrackingLink:
    """One parcel for the order page: carrier, number and tracking URL."""

    carrier: str
    carrier_label: str
    number: str
    url: str  # "" when the carrier has no known tracking page


def tracking_links(*, order: Order) -> list[TrackingLink]:
    """A tracking link per parcel of ``order`` (two queries)."""
    return [
        TrackingLink(carrier=shipment.carrier,
                     carrier_label=str(Carrier(shipment.carrier).label),
                     number=parcel.tracking_number,
                     url=tracking_url(shipment.carrier, parcel.tracking_number))
        for shipment in shipment_list(order=order)
        for parcel in shipment.parcels.all()
    ]
