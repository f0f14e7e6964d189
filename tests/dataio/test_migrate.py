"""Shopify and WooCommerce product CSVs, built from their documented
columns (Shopify and WooCommerce
product CSV docs), and the Shopify export."""

import csv
import io
from decimal import Decimal

import pytest

from kedai.catalog.models import Category, Product, Variant
from kedai.dataio.exceptions import DataError
from kedai.dataio.importers import upload_apply, upload_preview
from kedai.dataio.migrate import SHOPIFY_HEADER, shopify_rows
from tests.dataio.upload_files import csv_bytes, sheet_of

pytestmark = pytest.mark.django_db

SHOPIFY_CURRENT = SHOPIFY_HEADER + [
    "Color (product.metafields.shopify.color-pattern)",
    "Google Shopping / Google product category", "Google Shopping / Gender",
    "Included / Malaysia", "Price / Malaysia", "Compare-at price / Malaysia"]
SHOPIFY_LEGACY = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags",
    "Published", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value",
    "Option3 Name", "Option3 Value", "Variant SKU", "Variant Grams",
    "Variant Inventory Tracker", "Variant Inventory Qty", "Variant Inventory Policy",
    "Variant Fulfillment Service", "Variant Price", "Variant Compare At Price",
    "Variant Requires Shipping", "Variant Taxable", "Variant Barcode", "Image Src",
    "Image Position", "Image Alt Text", "Gift Card", "SEO Title", "SEO Description",
    "Google Shopping / Google Product Category", "Google Shopping / Gender",
    "Google Shopping / Age Group", "Google Shopping / MPN",
    "Google Shopping / AdWords Grouping", "Google Shopping / AdWords Labels",
    "Google Shopping / Condition", "Google Shopping / Custom Product",
    "Variant Image", "Variant Weight Unit", "Variant Tax Code", "Cost per item",
    "Status"]

# Canonical meaning -> (current header, legacy header)
COLUMNS = {
    "handle": ("URL handle", "Handle"), "title": ("Title", "Title"),
    "body": ("Description", "Body (HTML)"), "category": ("Product category",
                                                         "Product Category"),
    "type": ("Type", "Type"), "published": ("Published on online store", "Published"),
    "o1n": ("Option1 name", "Option1 Name"), "o1v": ("Option1 value", "Option1 Value"),
    "o2n": ("Option2 name", "Option2 Name"), "o2v": ("Option2 value", "Option2 Value"),
    "sku": ("SKU", "Variant SKU"), "grams": ("Weight value (grams)", "Variant Grams"),
    "qty": ("Inventory quantity", "Variant Inventory Qty"),
    "price": ("Price", "Variant Price"),
    "compare": ("Compare-at price", "Variant Compare At Price"),
    "image": ("Product image URL", "Image Src"), "status": ("Status", "Status"),
}
SHOPIFY_ROWS = [
    {"handle": "baju-kurung", "title": "Baju Kurung Moden", "body": "<p>Cotton</p>",
     "category": "Apparel & Accessories > Clothing > Dresses", "type": "Dresses",
     "published": "TRUE", "status": "active", "o1n": "Size", "o1v": "S",
     "o2n": "Colour", "o2v": "Merah", "sku": "BK-S-RED", "grams": "400",
     "qty": "5", "price": "129.00", "compare": "159.00",
     "image": "https://cdn.example.com/bk-1.jpg"},
    {"handle": "baju-kurung", "o1v": "M", "o2v": "Merah", "sku": "BK-M-RED",
     "grams": "420", "qty": "'7", "price": "129.00"},
    {"handle": "baju-kurung", "o1v": "M", "o2v": "Biru", "sku": "BK-M-BLUE",
     "grams": "420", "qty": "0", "price": "135.50"},
    {"handle": "baju-kurung", "image": "https://cdn.example.com/bk-2.jpg"},
    {"handle": "kopi-jantan", "title": "Kopi Jantan", "type": "Coffee",
     "published": "FALSE", "status": "draft", "o1n": "Title",
     "o1v": "Default Title", "sku": "KJ-1", "grams": "250", "qty": "40",
     "price": "18.90"},
]


def shopify_file(dialect: int, rows=SHOPIFY_ROWS, bom=True) -> bytes:
    header = SHOPIFY_CURRENT if dialect == 0 else SHOPIFY_LEGACY
    body = []
    for row in rows:
        line = dict.fromkeys(header, "")
        for key, value in row.items():
            line[COLUMNS[key][dialect]] = value
        body.append([line[h] for h in header])
    return csv_bytes([header, *body], bom=bom)


@pytest.mark.parametrize("dialect", [0, 1], ids=["current", "legacy"])
def test_shopify_products_with_variants_on_several_rows(db, tmp_path, dialect):
    sheet = sheet_of(tmp_path, shopify_file(dialect))
    plan = upload_preview(kind="shopify", sheet=sheet)
    assert plan.errors == []
    assert "3 image URL(s) were skipped" not in " ".join(plan.notes)
    assert "2 image URL(s) were skipped: add the pictures in the admin." in plan.notes
    assert any("left behind" in n and "Vendor" in n for n in plan.notes)
    assert [(c.key, c.action) for c in plan.changes] == [
        ("baju-kurung", "create"), ("BK-S-RED", "create"), ("BK-M-RED", "create"),
        ("BK-M-BLUE", "create"), ("kopi-jantan", "create"), ("KJ-1", "create")]
    upload_apply(kind="shopify", sheet=sheet, actor="farah")
    baju = Product.objects.get(slug="baju-kurung")
    assert (baju.name, baju.option_names, baju.category.name,
            baju.category.parent.name) == (
        "Baju Kurung Moden", ["Size", "Colour"], "Dresses", "Clothing")
    assert [(v.sku, v.option1, v.option2, v.price, v.compare_at_price, v.stock,
             v.weight_grams) for v in baju.variants.all()] == [
        ("BK-S-RED", "S", "Merah", Decimal("129.00"), Decimal("159.00"), 5, 400),
        ("BK-M-RED", "M", "Merah", Decimal("129.00"), None, 7, 420),
        ("BK-M-BLUE", "M", "Biru", Decimal("135.50"), None, 0, 420)]
    assert (baju.price, baju.price_max, baju.in_stock) == (
        Decimal("129.00"), Decimal("135.50"), True)
    kopi = Product.objects.get(slug="kopi-jantan")
    assert (kopi.is_active, kopi.option_names, kopi.variants.get().option1) == (
        False, [], "")
    # Importing the same file again changes nothing.
    again = upload_preview(kind="shopify", sheet=sheet)
    assert (again.changes, again.errors, again.unchanged) == ([], [], 5)


def test_shopify_bad_rows_are_reported_and_nothing_is_created(db, tmp_path):
    rows = [dict(SHOPIFY_ROWS[0]), {**SHOPIFY_ROWS[1], "price": "12,90"},
            {**SHOPIFY_ROWS[2], "sku": "BK-S-RED"}, {**SHOPIFY_ROWS[4], "qty": "-1"}]
    sheet = sheet_of(tmp_path, shopify_file(0, rows))
    with pytest.raises(DataError) as refused:
        upload_apply(kind="shopify", sheet=sheet, actor="farah")
    errors = [(e["row"], e["message"]) for e in refused.value.extra["plan"]["errors"]]
    assert errors == [
        (3, "price “12,90”: use a dot for decimals (12.90)."),
        (4, "SKU “BK-S-RED” appears again (first on row 2)."),
        (5, "stock cannot be negative (-1).")]
    assert not Product.objects.exists() and not Category.objects.exists()


def test_a_file_that_is_not_shopify_is_refused(db, tmp_path):
    sheet = sheet_of(tmp_path, [["sku", "price"], ["A", "1.00"]])
    with pytest.raises(DataError, match="not a Shopify product CSV"):
        upload_preview(kind="shopify", sheet=sheet)


WOO_HEADER = [
    "ID", "Type", "SKU", "Name", "Published", "Is featured?",
    "Visibility in catalogue", "Short description", "Description",
    "Date sale price starts", "Date sale price ends", "Tax status", "Tax class",
    "In stock?", "Stock", "Low stock amount", "Backorders allowed?",
    "Sold individually?", "Weight (kg)", "Length (cm)", "Width (cm)", "Height (cm)",
    "Allow customer reviews?", "Purchase note", "Sale price", "Regular price",
    "Categories", "Tags", "Shipping class", "Images", "Download limit",
    "Download expiry days", "Parent", "Grouped products", "Upsells", "Cross-sells",
    "External URL", "Button text", "Position", "Attribute 1 name",
    "Attribute 1 value(s)", "Attribute 1 visible", "Attribute 1 global",
    "Attribute 2 name", "Attribute 2 value(s)", "Attribute 2 visible",
    "Attribute 2 global", "Meta: _wpcom_is_markdown"]


def woo_file(rows: list[dict]) -> bytes:
    return csv_bytes([WOO_HEADER, *[[row.get(h, "") for h in WOO_HEADER]
                                    for row in rows]])


WOO_ROWS = [
    {"ID": "10", "Type": "simple", "SKU": "SAMBAL-1", "Name": "Sambal Nyet",
     "Published": "1", "Short description": "Pedas.", "Stock": "25",
     "Weight (kg)": "0.35", "Regular price": "15.00", "Sale price": "12.50",
     "Categories": "Makanan > Sambal, Promosi",
     "Images": "https://example.com/a.jpg, https://example.com/b.jpg"},
    {"ID": "20", "Type": "variable", "SKU": "TUDUNG", "Name": "Tudung Bawal",
     "Published": "1", "Description": "Chiffon.", "Categories": "Pakaian",
     "Attribute 1 name": "Warna", "Attribute 1 value(s)": "Hitam, Putih",
     "Attribute 2 name": "Saiz", "Attribute 2 value(s)": "S, M"},
    {"ID": "21", "Type": "variation", "SKU": "TUDUNG-HITAM-S", "Name": "Tudung",
     "Parent": "id:20", "Stock": "3", "Regular price": "35.00",
     "Attribute 1 name": "Warna", "Attribute 1 value(s)": "Hitam",
     "Attribute 2 name": "Saiz", "Attribute 2 value(s)": "S"},
    {"ID": "22", "Type": "variation", "SKU": "TUDUNG-PUTIH-M", "Name": "Tudung",
     "Parent": "TUDUNG", "Stock": "0", "Regular price": "38.00",
     "Weight (kg)": "0.1",
     "Attribute 1 name": "Warna", "Attribute 1 value(s)": "Putih",
     "Attribute 2 name": "Saiz", "Attribute 2 value(s)": "M"},
]


def test_woocommerce_simple_and_variable_products(db, tmp_path):
    sheet = sheet_of(tmp_path, woo_file(WOO_ROWS))
    plan = upload_preview(kind="woocommerce", sheet=sheet)
    assert plan.errors == []
    assert "2 image URL(s) were skipped: add the pictures in the admin." in plan.notes
    upload_apply(kind="woocommerce", sheet=sheet, actor="farah")
    sambal = Variant.objects.get(sku="SAMBAL-1")
    assert (sambal.product.name, sambal.price, sambal.compare_at_price,
            sambal.stock, sambal.weight_grams, sambal.product.category.name,
            sambal.product.category.parent.name, sambal.product.description) == (
        "Sambal Nyet", Decimal("12.50"), Decimal("15.00"), 25, 350, "Sambal",
        "Makanan", "Pedas.")
    tudung = Product.objects.get(slug="tudung")
    assert tudung.option_names == ["Warna", "Saiz"]
    assert [(v.sku, v.option1, v.option2, v.price, v.stock, v.weight_grams)
            for v in tudung.variants.all()] == [
        ("TUDUNG-HITAM-S", "Hitam", "S", Decimal("35.00"), 3, 0),
        ("TUDUNG-PUTIH-M", "Putih", "M", Decimal("38.00"), 0, 100)]


def test_woocommerce_weight_units_come_from_the_header(db, tmp_path):
    header = [h if h != "Weight (kg)" else "Weight (lbs)" for h in WOO_HEADER]
    row = {**WOO_ROWS[0], "Weight (lbs)": "1"}
    data = csv_bytes([header, [row.get(h, "") for h in header]])
    upload_apply(kind="woocommerce", sheet=sheet_of(tmp_path, data), actor="farah")
    assert Variant.objects.get(sku="SAMBAL-1").weight_grams == 454


def test_woocommerce_orphan_variation_and_unknown_type(db, tmp_path):
    rows = [{**WOO_ROWS[2], "Parent": "id:99"},
            {"Type": "grouped", "Name": "Set", "SKU": "SET"}]
    plan = upload_preview(kind="woocommerce", sheet=sheet_of(tmp_path, woo_file(rows)))
    assert plan.errors == [
        (2, "Parent “id:99” is not a variable product in this file."),
        (3, "Product type “grouped” is not supported (simple, variable, "
            "variation).")]


def test_shopify_export_is_the_current_dialect_and_reads_back(shop, tmp_path):
    rows = list(shopify_rows(image_base_url="https://shop.example.my"))
    assert rows[0] == SHOPIFY_HEADER
    by_sku = {r[SHOPIFY_HEADER.index("SKU")]: r for r in rows[1:]}
    first = by_sku["SHIRT-M"]
    assert first[SHOPIFY_HEADER.index("Title")] == "Batik shirt"
    assert first[SHOPIFY_HEADER.index("Option1 name")] == "Size"
    assert by_sku["SHIRT-L"][SHOPIFY_HEADER.index("Title")] == ""
    assert by_sku["KOPI-1"][SHOPIFY_HEADER.index("Option1 value")] == "Default Title"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    plan = upload_preview(kind="shopify", sheet=sheet_of(tmp_path,
                                                         out.getvalue().encode()))
    assert (plan.errors, plan.changes) == ([], [])
