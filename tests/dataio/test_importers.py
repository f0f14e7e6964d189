"""Uploads for local updates: preview by row, all-or-nothing apply, stock
deltas that keep concurrent sales."""

from decimal import Decimal

import pytest
from django.db.models import F

from kedai.catalog.models import Category, Product, Variant
from kedai.customers.models import Customer
from kedai.customers.services import customer_get_or_create
from kedai.dataio.exceptions import DataError
from kedai.dataio.importers import upload_apply, upload_preview
from tests.dataio.upload_files import sheet_of

pytestmark = pytest.mark.django_db


def stock(sku: str) -> int:
    return Variant.objects.get(sku=sku).stock


def test_preview_lists_every_change_and_writes_nothing(shop, tmp_path):
    sheet = sheet_of(tmp_path, [
        ["sku", "price", "stock", "stock_exported", "is_active"],
        ["SHIRT-M", "65.00", "12", "10", "true"],
        ["SHIRT-L", "62.50", "4", "4", "true"],
        ["KOPI-1", "22.00", "30", "30", "false"]])
    plan = upload_preview(kind="variants", sheet=sheet)
    report = plan.report()
    assert report["errors"] == []
    assert [(c["row"], c["key"], c["fields"]) for c in report["changes"]] == [
        (2, "SHIRT-M", {"price": ["59.00", "65.00"], "stock": [10, 12]}),
        (4, "KOPI-1", {"is_active": [True, False]})]
    assert report["unchanged"] == 1
    assert Variant.objects.get(sku="SHIRT-M").price == Decimal("59.00")


def test_apply_changes_prices_stock_and_refreshes_the_product(shop, tmp_path):
    sheet = sheet_of(tmp_path, [["sku", "price", "stock", "stock_exported"],
                                ["SHIRT-M", "49.90", "15", "10"]])
    upload_apply(kind="variants", sheet=sheet, actor="farah")
    variant = Variant.objects.get(sku="SHIRT-M")
    assert (variant.price, variant.stock) == (Decimal("49.90"), 15)
    assert Product.objects.get(slug="batik-shirt").price == Decimal("49.90")


def test_a_sale_between_export_and_apply_is_kept(shop, tmp_path):
    # Given a sheet downloaded with 10 in stock, where the owner adds 5
    sheet = sheet_of(tmp_path, [["sku", "stock", "stock_exported"],
                                ["SHIRT-M", "15", "10"]])
    # When 3 are sold before the upload is applied
    Variant.objects.filter(sku="SHIRT-M").update(stock=F("stock") - 3)
    upload_apply(kind="variants", sheet=sheet, actor="farah")
    # Then the 5 received are added to what is left after the sale
    assert stock("SHIRT-M") == 12


def test_a_delta_that_would_go_negative_refuses_the_upload(shop, tmp_path):
    sheet = sheet_of(tmp_path, [["sku", "price", "stock", "stock_exported"],
                                ["SHIRT-L", "70.00", "0", "4"],
                                ["KOPI-1", "25.00", "30", "30"]])
    plan = upload_preview(kind="variants", sheet=sheet)
    assert plan.errors == []
    Variant.objects.filter(sku="SHIRT-L").update(stock=2)  # two sold meanwhile
    sheet = sheet_of(tmp_path, [["sku", "price", "stock", "stock_exported"],
                                ["SHIRT-L", "70.00", "0", "4"],
                                ["KOPI-1", "25.00", "30", "30"]])
    Variant.objects.filter(sku="SHIRT-L").update(stock=1)
    with pytest.raises(DataError) as refused:
        upload_apply(kind="variants", sheet=sheet, actor="farah")
    errors = refused.value.extra["plan"]["errors"]
    assert errors[0]["row"] == 2
    assert "Stock changed since export" in errors[0]["message"]
    assert stock("SHIRT-L") == 1
    assert Variant.objects.get(sku="KOPI-1").price == Decimal("22.00")


def test_absolute_stock_without_the_exported_column(shop, tmp_path):
    sheet = sheet_of(tmp_path, [["sku", "stock"], ["KOPI-1", "7"]])
    upload_apply(kind="stock", sheet=sheet, actor="farah")
    assert stock("KOPI-1") == 7


def test_one_bad_row_changes_nothing(shop, tmp_path):
    sheet = sheet_of(tmp_path, [["sku", "price"], ["SHIRT-M", "1.00"],
                                ["KOPI-1", "abc"]])
    with pytest.raises(DataError):
        upload_apply(kind="variants", sheet=sheet, actor="farah")
    assert Variant.objects.get(sku="SHIRT-M").price == Decimal("59.00")


def test_new_variants_need_an_existing_product_and_a_price(shop, tmp_path):
    sheet = sheet_of(tmp_path, [
        ["sku", "product", "option1", "price", "stock"],
        ["SHIRT-XL", "batik-shirt", "XL", "64.00", "3"],
        ["NEW-1", "no-such-product", "", "5.00", "1"],
        ["NEW-2", "kopi", "Large", "", "1"]])
    plan = upload_preview(kind="variants", sheet=sheet)
    assert [(r, m) for r, m in plan.errors] == [
        (3, "Product “no-such-product” does not exist; upload products first."),
        (4, "“price” is blank.")]
    sheet = sheet_of(tmp_path, [["sku", "product", "option1", "price", "stock"],
                                ["SHIRT-XL", "batik-shirt", "XL", "64.00", "3"]])
    upload_apply(kind="variants", sheet=sheet, actor="farah")
    added = Variant.objects.get(sku="SHIRT-XL")
    assert (added.product.slug, added.option1, added.price, added.stock) == (
        "batik-shirt", "XL", Decimal("64.00"), 3)


def test_products_update_descriptions_and_create_new_ones(shop, tmp_path):
    sheet = sheet_of(tmp_path, [
        ["slug", "name", "category", "description", "is_active"],
        ["kopi", "Kopi O", "clothes", "Strong.", "true"],
        ["teh-tarik", "Teh tarik", "batik", "", "false"],
        ["bad slug!", "X", "clothes", "", ""],
        ["orphan", "Orphan", "nowhere", "", ""]])
    plan = upload_preview(kind="products", sheet=sheet)
    assert [r for r, _m in plan.errors] == [4, 5]
    good = sheet_of(tmp_path, [
        ["slug", "name", "category", "description", "is_active"],
        ["kopi", "Kopi O", "clothes", "Strong.", "true"],
        ["teh-tarik", "Teh tarik", "batik", "", "false"]])
    upload_apply(kind="products", sheet=good, actor="farah")
    assert Product.objects.get(slug="kopi").description == "Strong."
    teh = Product.objects.get(slug="teh-tarik")
    assert (teh.category.slug, teh.is_active) == ("batik", False)


def test_categories_with_parents_defined_earlier_in_the_file(shop, tmp_path):
    sheet = sheet_of(tmp_path, [
        ["slug", "name", "parent", "position"],
        ["food", "Food", "", "2"],
        ["snacks", "Snacks", "food", "0"],
        ["batik", "Batik tulis", "clothes", "1"]])
    upload_apply(kind="categories", sheet=sheet, actor="farah")
    assert Category.objects.get(slug="snacks").parent.slug == "food"
    assert Category.objects.get(slug="batik").name == "Batik tulis"


def test_a_category_cannot_become_its_own_parent(shop, tmp_path):
    sheet = sheet_of(tmp_path, [["slug", "name", "parent"],
                                ["clothes", "Clothes", "batik"]])
    with pytest.raises(DataError) as refused:
        upload_apply(kind="categories", sheet=sheet, actor="farah")
    assert "under itself" in refused.value.message
    assert Category.objects.get(slug="clothes").parent is None


def test_customers_update_by_number_and_create_by_email(db, tmp_path):
    from django.db import transaction

    with transaction.atomic():
        siti = customer_get_or_create(email="siti@example.my", name="Siti")
    sheet = sheet_of(tmp_path, [
        ["number", "email", "name", "phone", "marketing_consent"],
        [siti.number, "siti.aminah@example.my", "Siti Aminah", "'+60123456789",
         "yes"],
        ["", "ali@example.my", "Ali", "", "no"]])
    plan = upload_preview(kind="customers", sheet=sheet)
    assert plan.errors == []
    upload_apply(kind="customers", sheet=sheet, actor="farah")
    siti.refresh_from_db()
    assert (siti.email, siti.name, siti.phone, siti.marketing_consent) == (
        "siti.aminah@example.my", "Siti Aminah", "+60123456789", True)
    assert Customer.objects.get(email="ali@example.my").number.startswith("C-")


def test_customers_bad_email_and_unknown_number(db, tmp_path):
    sheet = sheet_of(tmp_path, [["number", "email", "name"],
                                ["", "not-an-email", "X"],
                                ["C-999999", "x@example.my", "X"]])
    plan = upload_preview(kind="customers", sheet=sheet)
    assert [r for r, _m in plan.errors] == [2, 3]
