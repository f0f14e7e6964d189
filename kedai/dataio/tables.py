"""The shop's tables as downloads: which columns, which filters.

Each :class:`Table` names a model, its columns (ORM lookups, so related
values such as ``product__slug`` come in the same query) and what the
date-range and free-text filters look at. Tables not listed column by
column export every concrete field, foreign keys as ``<name>_id``. Secrets
(password hashes, token hashes, checkout keys) are never exported.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

SECRET_FIELDS = {"password", "token_hash", "checkout_key", "return_token_hash",
                 "claim_token"}


@dataclass(frozen=True)
class Table:
    key: str
    label: Any
    model_label: str
    columns: tuple[tuple[str, str], ...] = ()  # (header, ORM lookup)
    date_field: str = ""
    search: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ("pk",)
    uploadable: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def headers(self) -> list[str]:
        return [header for header, _lookup in self.resolved_columns()]

    def resolved_columns(self) -> tuple[tuple[str, str], ...]:
        if self.columns:
            return self.columns
        return tuple(
            (f.attname, f.attname) for f in self.model._meta.concrete_fields
            if f.attname not in SECRET_FIELDS)

    def queryset(self, *, date_from: datetime.date | None = None,
                 date_to: datetime.date | None = None,
                 text: str = "") -> QuerySet:
        """Rows in export order, filtered; ``values_list`` of the columns."""
        qs = self.model._default_manager.all()
        if self.date_field and date_from:
            qs = qs.filter(**{f"{self.date_field}__date__gte": date_from})
        if self.date_field and date_to:
            qs = qs.filter(**{f"{self.date_field}__date__lte": date_to})
        if text and self.search:
            condition = Q()
            for lookup in self.search:
                condition |= Q(**{f"{lookup}__icontains": text})
            qs = qs.filter(condition)
        lookups = [lookup for _header, lookup in self.resolved_columns()]
        return qs.order_by(*self.order_by).values_list(*lookups)


VARIANT_COLUMNS = (
    ("sku", "sku"), ("product", "product__slug"), ("product_name", "product__name"),
    ("option1", "option1"), ("option2", "option2"), ("option3", "option3"),
    ("price", "price"), ("compare_at_price", "compare_at_price"),
    ("stock", "stock"), ("stock_exported", "stock"),
    ("weight_grams", "weight_grams"), ("length_cm", "length_cm"),
    ("width_cm", "width_cm"), ("height_cm", "height_cm"),
    ("is_active", "is_active"), ("position", "position"),
)

TABLES: dict[str, Table] = {t.key: t for t in [
    Table("products", _("Products"), "catalog.Product", (
        ("slug", "slug"), ("name", "name"), ("category", "category__slug"),
        ("description", "description"), ("tax_class", "tax_class__code"),
        ("is_active", "is_active"), ("option1_name", "option1_name"),
        ("option2_name", "option2_name"), ("option3_name", "option3_name"),
        ("created_at", "created_at")),
        date_field="created_at", search=("name", "slug", "description"),
        uploadable=True),
    Table("variants", _("Variants (prices and stock)"), "catalog.Variant",
          VARIANT_COLUMNS, date_field="created_at",
          search=("sku", "product__name", "option1", "option2", "option3"),
          uploadable=True),
    Table("stock", _("Stock"), "catalog.Variant", (
        ("sku", "sku"), ("product_name", "product__name"), ("option1", "option1"),
        ("option2", "option2"), ("option3", "option3"), ("stock", "stock"),
        ("stock_exported", "stock")),
        search=("sku", "product__name"), uploadable=True),
    Table("categories", _("Categories"), "catalog.Category", (
        ("slug", "slug"), ("name", "name"), ("parent", "parent__slug"),
        ("description", "description"), ("position", "position"),
        ("is_active", "is_active")),
        search=("name", "slug"), uploadable=True),
    Table("product_images", _("Product images"), "catalog.ProductImage", (
        ("product", "product__slug"), ("image", "image"), ("alt_text", "alt_text"),
        ("position", "position")), search=("product__slug", "alt_text")),
    Table("tax_classes", _("Tax classes"), "catalog.TaxClass"),
    Table("customers", _("Customers"), "customers.Customer", (
        ("number", "number"), ("email", "email"), ("name", "name"),
        ("phone", "phone"), ("marketing_consent", "marketing_consent"),
        ("created_at", "created_at")),
        date_field="created_at", search=("number", "email", "name", "phone"),
        uploadable=True),
    Table("addresses", _("Customer addresses"), "customers.Address", (
        ("customer", "customer__number"), ("name", "name"), ("line1", "line1"),
        ("line2", "line2"), ("city", "city"), ("postcode", "postcode"),
        ("state_code", "state_code"), ("country", "country"), ("phone", "phone")),
        search=("customer__number", "name", "city", "postcode")),
    Table("orders", _("Orders"), "orders.Order", (
        ("number", "number"), ("created_at", "created_at"), ("status", "status"),
        ("customer", "customer__number"), ("email", "email"), ("phone", "phone"),
        ("currency", "currency"), ("subtotal", "subtotal"),
        ("tax_total", "tax_total"), ("shipping_method", "shipping_method"),
        ("shipping_total", "shipping_total"), ("rounding", "rounding"),
        ("total", "total"), ("payment_method", "payment_method"),
        ("discount_total", "discount_total"),
        ("shipping_discount", "shipping_discount"),
        ("billing_address", "billing_address"),
        ("shipping_address", "shipping_address")),
        date_field="created_at", search=("number", "email", "phone")),
    Table("order_lines", _("Order lines"), "orders.OrderLine", (
        ("order", "order__number"), ("sku", "sku"), ("name", "name"),
        ("variant_label", "variant_label"), ("quantity", "quantity"),
        ("unit_price", "unit_price"), ("line_net", "line_net"),
        ("line_tax", "line_tax"), ("line_total", "line_total"),
        ("tax_kind", "tax_kind"), ("tax_rate", "tax_rate"),
        ("discount", "discount")),
        date_field="order__created_at", search=("order__number", "sku", "name")),
    Table("order_events", _("Order tracking history"), "orders.OrderEvent", (
        ("order", "order__number"), ("created_at", "created_at"),
        ("status_from", "status_from"), ("status_to", "status_to"),
        ("actor", "actor"), ("note", "note")),
        date_field="created_at", search=("order__number", "note")),
    Table("payments", _("Payments"), "payments.Payment", date_field="created_at",
          search=("reference", "gateway_reference", "order__number")),
    Table("refunds", _("Refunds"), "payments.Refund", date_field="created_at",
          search=("reference", "reason")),
    Table("shipments", _("Shipments"), "shipping.Shipment", (
        ("id", "id"), ("order", "order__number"), ("carrier", "carrier"),
        ("created_at", "created_at"), ("actor", "actor")),
        date_field="created_at", search=("order__number", "carrier")),
    Table("tracking_numbers", _("Tracking numbers"), "shipping.ShipmentParcel", (
        ("order", "shipment__order__number"), ("carrier", "shipment__carrier"),
        ("tracking_number", "tracking_number")),
        date_field="shipment__created_at",
        search=("tracking_number", "shipment__order__number"), uploadable=True),
    Table("documents", _("Invoices and receipts"), "invoicing.Document",
          date_field="issued_at", search=("number", "order__number")),
    Table("outbox", _("Outbox messages"), "notifications.Message",
          date_field="created_at", search=("to_email", "subject", "reference")),
    Table("seller_profile", _("Seller profile"), "invoicing.SellerProfile"),
    Table("front_page", _("Front page"), "catalog.FrontPage"),
    Table("shipping_methods", _("Shipping methods"), "shipping.ShippingMethod"),
    Table("method_bands", _("Shipping method weight bands"), "shipping.MethodBand"),
    Table("rate_cards", _("Rate cards"), "shipping.RateCard"),
    Table("rate_bands", _("Rate card bands"), "shipping.RateBand"),
    Table("campaigns", _("Campaigns"), "promotions.Campaign",
          date_field="created_at", search=("name",)),
    Table("vouchers", _("Vouchers"), "promotions.Voucher", (
        ("code", "code"), ("batch", "batch"), ("campaign", "campaign__name"),
        ("kind", "kind"), ("value", "value"), ("scope", "scope"),
        ("min_spend", "min_spend"), ("starts_at", "starts_at"),
        ("ends_at", "ends_at"), ("usage_limit", "usage_limit"),
        ("per_customer_limit", "per_customer_limit"), ("times_used", "times_used"),
        ("combinable", "combinable"), ("is_paused", "is_paused"),
        ("created_at", "created_at")),
        date_field="created_at", search=("code", "batch")),
    Table("automatic_discounts", _("Automatic discounts"),
          "promotions.AutomaticDiscount", date_field="created_at",
          search=("name",)),
    Table("free_delivery", _("Free-delivery thresholds"),
          "promotions.FreeDeliveryThreshold"),
    Table("discounts_given", _("Discounts given"), "promotions.DiscountUse", (
        ("order", "order__number"), ("created_at", "created_at"),
        ("label", "label"), ("voucher", "voucher__code"),
        ("campaign", "campaign__name"), ("automatic", "automatic__name"),
        ("amount", "amount"), ("shipping_amount", "shipping_amount"),
        ("customer", "customer__number"), ("released_at", "released_at")),
        date_field="created_at", search=("order__number", "label", "voucher__code")),
]}
