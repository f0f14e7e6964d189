"""Products in /office/catalogue/: created with options and generated
variants, edited in one grid that saves all or nothing, duplicated,
archived instead of deleted when orders point at them."""

from decimal import Decimal

import pytest

from kedai.catalog.models import Product, Variant
from tests.backoffice.orders.conftest import place
from tests.backoffice_catalog.conftest import grid_data
from tests.factories import CategoryFactory, make_product

pytestmark = pytest.mark.django_db


def new_product(**overrides) -> dict:
    category = overrides.pop("category", None) or CategoryFactory(name="Shirts")
    data = {"name": "Kemeja Batik", "slug": "", "category": category.pk,
            "description": "Hand-drawn.", "tax_class": "", "is_active": "on",
            "option1_name": "Size", "option1_values": "S, M, L",
            "option2_name": "Colour", "option2_values": "Red, Blue",
            "option3_name": "", "option3_values": "",
            "price": "89.00", "compare_at_price": "", "stock": "5",
            "weight_grams": "300", "sku_prefix": "BATIK"}
    data.update(overrides)
    return data


def test_two_options_make_six_variants_shown_in_the_shop(office, client):
    response = office.post("/office/catalogue/new/", new_product())
    product = Product.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/office/catalogue/p/{product.pk}/"
    assert product.slug == "kemeja-batik"
    skus = list(product.variants.values_list("sku", "option1", "option2"))
    assert skus == [("BATIK-S-RED", "S", "Red"), ("BATIK-S-BLUE", "S", "Blue"),
                    ("BATIK-M-RED", "M", "Red"), ("BATIK-M-BLUE", "M", "Blue"),
                    ("BATIK-L-RED", "L", "Red"), ("BATIK-L-BLUE", "L", "Blue")]
    assert product.price == Decimal("89.00") and product.in_stock
    page = client.get("/p/kemeja-batik/")
    assert page.status_code == 200
    assert "Kemeja Batik" in page.content.decode()


@pytest.mark.parametrize("field, value, message", [
    ("price", "-1", "greater than or equal to 0"),
    ("price", "abc", "Enter a number"),
    ("stock", "-3", "greater than or equal to 0"),
    ("option1_values", "S, M, s", "A value is listed twice"),
    ("option2_values", "", "Give the values of this option"),
    ("option1_values", ",".join(f"V{i}" for i in range(60)),
     "at most 100 are allowed"),
    ("name", "", "This field is required"),
])
def test_a_refused_new_product_changes_nothing(office, field, value, message):
    response = office.post("/office/catalogue/new/", new_product(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Product.objects.exists() and not Variant.objects.exists()


def test_generated_skus_that_clash_create_nothing(office):
    make_product(variants=[{"sku": "BATIK-M-BLUE"}])
    response = office.post("/office/catalogue/new/", new_product())
    assert response.status_code == 400
    assert "SKU BATIK-M-BLUE is already used" in response.content.decode()
    assert Product.objects.count() == 1 and Variant.objects.count() == 1


def test_the_grid_saves_every_row(office):
    office.post("/office/catalogue/new/", new_product())
    product = Product.objects.get()
    data = grid_data(product, {0: {"price": "79.50", "stock": "12",
                                   "compare_at_price": "99.00"},
                               5: {"sku": "BATIK-L-BLUE-2", "weight_grams": "350"}})
    response = office.post(f"/office/catalogue/p/{product.pk}/", data)
    assert response.status_code == 302
    first = product.variants.get(option1="S", option2="Red")
    assert (first.price, first.stock, first.compare_at_price) == (
        Decimal("79.50"), 12, Decimal("99.00"))
    assert product.variants.get(option1="L", option2="Blue").sku == "BATIK-L-BLUE-2"
    product.refresh_from_db()
    assert product.price == Decimal("79.50")


def _snapshot():
    return sorted(Variant.objects.values_list(
        "sku", "price", "stock", "weight_grams", "option1", "option2", "is_active"))


@pytest.mark.parametrize("changes, message", [
    ({3: {"price": "-5"}}, "greater than or equal to 0"),
    ({3: {"stock": "-1"}}, "greater than or equal to 0"),
    ({3: {"stock": "99999999999"}}, "less than or equal to"),
    ({3: {"sku": "BATIK-S-RED"}}, "already exists"),
    ({3: {"option1": "", "option2": "Blue"}}, "Give the Size"),
    ({3: {"option1": "S", "option2": "Red"}}, "Please correct the duplicate"),
    ({3: {"weight_grams": "heavy"}}, "Enter a whole number"),
])
def test_one_bad_row_saves_nothing(office, changes, message):
    office.post("/office/catalogue/new/", new_product())
    product = Product.objects.get()
    before = _snapshot()
    # Row 0 carries a good change that must not be saved either.
    data = grid_data(product, {0: {"price": "1.00", "stock": "99"}, **changes})
    response = office.post(f"/office/catalogue/p/{product.pk}/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'class="row-error"' in html
    assert _snapshot() == before


def test_a_sku_used_by_another_product_is_refused_by_the_field(office):
    other = make_product(name="Songket", variants=[{"sku": "SONGKET-1"}])
    office.post("/office/catalogue/new/", new_product())
    product = Product.objects.exclude(pk=other.pk).get()
    before = _snapshot()
    response = office.post(f"/office/catalogue/p/{product.pk}/",
                           grid_data(product, {2: {"sku": "SONGKET-1"}}))
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert _snapshot() == before


def test_a_sale_since_the_page_was_shown_refuses_the_stock_edit(office):
    office.post("/office/catalogue/new/", new_product())
    product = Product.objects.get()
    data = grid_data(product, {0: {"stock": "20", "price": "70.00"}})
    # Given a sale took one from stock after the page was shown…
    Variant.objects.filter(sku="BATIK-S-RED").update(stock=4)
    response = office.post(f"/office/catalogue/p/{product.pk}/", data)
    # …the edit is refused whole, and the sale stands.
    assert response.status_code == 400
    assert "changed to 4 since you opened this page" in response.content.decode()
    variant = Variant.objects.get(sku="BATIK-S-RED")
    assert (variant.stock, variant.price) == (4, Decimal("89.00"))


def test_a_new_row_adds_a_variant_and_a_ticked_row_deletes_one(office):
    office.post("/office/catalogue/new/", new_product())
    product = Product.objects.get()
    data = grid_data(product, extra={"sku": "BATIK-XL-RED", "option1": "XL",
                                     "option2": "Red", "price": "95.00",
                                     "stock": "2", "weight_grams": "320",
                                     "position": "9"}, delete=(5,))
    response = office.post(f"/office/catalogue/p/{product.pk}/", data)
    assert response.status_code == 302
    skus = set(product.variants.values_list("sku", flat=True))
    assert "BATIK-XL-RED" in skus and "BATIK-L-BLUE" not in skus
    assert len(skus) == 6


def test_a_variant_on_an_order_is_switched_off_not_deleted(office):
    order = place()
    variant = order.lines.get().variant
    product = variant.product
    data = grid_data(product, {0: {"option1": "M"}}, extra={
        "sku": "NEW-1", "option1": "L", "price": "5.00", "stock": "1"},
        delete=(0,))
    data["option1_name"] = "Size"
    response = office.post(f"/office/catalogue/p/{product.pk}/", data)
    assert response.status_code == 302
    variant.refresh_from_db()
    assert variant.is_active is False
    assert order.lines.get().variant_id == variant.pk


def test_generate_adds_only_missing_combinations(office):
    office.post("/office/catalogue/new/", new_product())
    product = Product.objects.get()
    data = grid_data(product)
    data.pop("save")
    data.update({"generate": "1", "gen-option1_values": "S, M, L, XL",
                 "gen-option2_values": "Red, Blue", "gen-price": "99.00",
                 "gen-stock": "1", "gen-weight_grams": "300",
                 "gen-sku_prefix": "BATIK"})
    response = office.post(f"/office/catalogue/p/{product.pk}/", data)
    assert response.status_code == 302
    assert product.variants.count() == 8
    assert set(product.variants.filter(price=Decimal("99.00"))
               .values_list("sku", flat=True)) == {"BATIK-XL-RED", "BATIK-XL-BLUE"}


def test_duplicate_makes_a_hidden_copy_without_stock(office):
    office.post("/office/catalogue/new/", new_product())
    product = Product.objects.get()
    response = office.post(f"/office/catalogue/p/{product.pk}/duplicate/")
    copy = Product.objects.exclude(pk=product.pk).get()
    assert response["Location"] == f"/office/catalogue/p/{copy.pk}/"
    assert copy.name == "Kemeja Batik (copy)" and copy.slug == "kemeja-batik-copy"
    assert not copy.is_active
    assert sorted(copy.variants.values_list("sku", flat=True)) == sorted(
        f"{s}-COPY" for s in product.variants.values_list("sku", flat=True))
    assert set(copy.variants.values_list("stock", flat=True)) == {0}


def test_delete_removes_a_product_no_order_has(office):
    product = make_product()
    page = office.get(f"/office/catalogue/p/{product.pk}/delete/")
    assert "No order includes this product" in page.content.decode()
    office.post(f"/office/catalogue/p/{product.pk}/delete/")
    assert not Product.objects.exists()


def test_delete_archives_a_product_on_an_order(
        office, client, django_capture_on_commit_callbacks):
    order = place()
    product = order.lines.get().variant.product
    assert client.get(f"/p/{product.slug}/").status_code == 200
    page = office.get(f"/office/catalogue/p/{product.pk}/delete/")
    assert "it will be archived instead" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        office.post(f"/office/catalogue/p/{product.pk}/delete/", follow=True)
    product.refresh_from_db()
    assert product.archived_at is not None and not product.is_active
    # Gone from the shop, and from the office's default list…
    assert client.get(f"/p/{product.slug}/").status_code == 404
    listing = office.get("/office/catalogue/").content.decode()
    assert product.name not in listing
    assert product.name in office.get(
        "/office/catalogue/?status=archived").content.decode()
    # …still on the order.
    assert order.lines.get().variant.product_id == product.pk
    office.post(f"/office/catalogue/p/{product.pk}/archive/", {"restore": "1"})
    product.refresh_from_db()
    assert product.archived_at is None


def test_search_and_filters(office):
    shirts = CategoryFactory(name="Shirts")
    make_product(name="Kemeja Batik", category=shirts,
                 variants=[{"sku": "KB-1", "stock": 0}])
    make_product(name="Songket", variants=[{"sku": "SG-1", "stock": 50}])
    hidden = make_product(name="Tudung", variants=[{"sku": "TD-1"}])
    Product.objects.filter(pk=hidden.pk).update(is_active=False)

    def names(query):
        html = office.get(f"/office/catalogue/?{query}").content.decode()
        return {n for n in ("Kemeja Batik", "Songket", "Tudung") if n in html}

    assert names("") == {"Kemeja Batik", "Songket", "Tudung"}
    assert names("q=sg-1") == {"Songket"}
    assert names("q=batik") == {"Kemeja Batik"}
    assert names(f"category={shirts.pk}") == {"Kemeja Batik"}
    assert names("stock=out") == {"Kemeja Batik"}
    assert names("status=hidden") == {"Tudung"}
    assert names("status=active") == {"Kemeja Batik", "Songket"}


def test_staff_without_the_owner_role_get_403_and_no_link(staff_office, office):
    assert staff_office.get("/office/catalogue/").status_code == 403
    assert staff_office.post("/office/catalogue/new/", {}).status_code == 403
    assert "/office/catalogue/" not in staff_office.get("/office/").content.decode()
    assert "/office/catalogue/" in office.get("/office/").content.decode()


def test_a_price_edit_reaches_the_cached_product_page(
        office, client, django_capture_on_commit_callbacks):
    office.post("/office/catalogue/new/", new_product(option2_name="",
                                                      option2_values=""))
    product = Product.objects.get()
    assert "89.00" in client.get("/p/kemeja-batik/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        office.post(f"/office/catalogue/p/{product.pk}/", grid_data(
            product, {0: {"price": "61.25"}, 1: {"price": "61.25"},
                      2: {"price": "61.25"}}))
    html = client.get("/p/kemeja-batik/").content.decode()
    assert "61.25" in html and "89.00" not in html
