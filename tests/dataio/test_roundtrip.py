"""Export, re-import: the database is what it was, for every format."""

import pytest
from django.apps import apps

from kedai.catalog.models import Category, Product, Variant
from kedai.customers.models import Customer
from kedai.dataio.exports import table_write
from kedai.dataio.importers import upload_apply, upload_preview
from kedai.dataio.readers import sheet_read
from kedai.dataio.tables import TABLES

pytestmark = pytest.mark.django_db

SNAPSHOT = ["catalog.Category", "catalog.Product", "catalog.Variant",
            "customers.Customer", "customers.Address", "orders.Order",
            "orders.OrderEvent", "shipping.Shipment", "shipping.ShipmentParcel",
            "notifications.Message"]


def snapshot() -> dict:
    return {label: list(apps.get_model(label).objects.order_by("pk").values())
            for label in SNAPSHOT}


def exported(tmp_path, key: str, fmt: str):
    path = tmp_path / f"{key}.{fmt}"
    table_write(path, TABLES[key], fmt, {})
    return sheet_read(path)


def mess_up() -> None:
    """Edits an upload must undo (stock is left: it is applied as a delta)."""
    Variant.objects.filter(sku="SHIRT-M").update(price="1.00", option1="XXL",
                                                 is_active=False)
    Product.objects.filter(slug="kopi").update(name="Wrong", description="")
    Category.objects.filter(slug="batik").update(name="Wrong", position=9)
    Customer.objects.filter(email="buyer@example.my").update(name="Wrong",
                                                             phone="")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("key", ["products", "variants", "stock", "categories",
                                 "customers", "tracking_numbers"])
def test_reimporting_an_export_changes_nothing(orders, tmp_path, fmt, key):
    before = snapshot()
    sheet = exported(tmp_path, key, fmt)
    plan = upload_preview(kind=key, sheet=sheet)
    assert (plan.errors, plan.changes, plan.unknown_columns) == ([], [], [])
    upload_apply(kind=key, sheet=sheet, actor="farah")
    assert snapshot() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_reimporting_restores_edited_rows(orders, tmp_path, fmt):
    Customer.objects.filter(email="buyer@example.my").update(phone="+60123456789")
    before = snapshot()
    sheets = {key: exported(tmp_path, key, fmt)
              for key in ("categories", "products", "variants", "customers")}
    mess_up()
    for key, sheet in sheets.items():
        upload_apply(kind=key, sheet=sheet, actor="farah")
    after = snapshot()
    for label in SNAPSHOT:
        for row in before[label] + after[label]:
            row.pop("updated_at", None)
    assert after == before
