"""Pictures (checked, re-encoded, ordered), bulk prices and stock,
categories with up/down ordering, tax classes."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kedai.catalog.models import Category, ProductImage, TaxClass, Variant
from tests.factories import CategoryFactory, make_product

pytestmark = pytest.mark.django_db


def png(size=(40, 30), colour=(200, 30, 30), mode="RGB", name="shirt.png",
        fmt="PNG") -> SimpleUploadedFile:
    out = BytesIO()
    Image.new(mode, size, colour).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_a_picture_is_re_encoded_with_a_thumbnail_and_alt_text(office):
    product = make_product()
    upload = png()
    upload.file.seek(0, 2)
    upload.file.write(b"<script>alert(1)</script>")  # trailing bytes dropped
    upload.file.seek(0)
    response = office.post(f"/office/catalogue/p/{product.pk}/pictures/",
                           {"image": upload, "alt_text": "Red shirt, front"})
    assert response.status_code == 302
    image = ProductImage.objects.get()
    assert image.alt_text == "Red shirt, front" and image.thumbnail
    with image.image.open("rb") as f:
        data = f.read()
    assert b"<script>" not in data
    product.refresh_from_db()
    assert product.thumbnail == image.thumbnail.name


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("notes.txt", b"just words", content_type="text/plain"),
     "Upload a valid image"),
    (SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg">'
                        b"<script>alert(1)</script></svg>",
                        content_type="image/svg+xml"), "Upload a valid image"),
    (SimpleUploadedFile("broken.png", png().read()[:60],
                        content_type="image/png"), "Upload a"),
    (png(size=(8000, 6000), mode="1", colour=1), "at most 40 megapixels"),
    (png(fmt="BMP", name="old.bmp"), "not BMP"),
])
def test_bad_uploads_are_refused_and_change_nothing(office, upload, message):
    product = make_product()
    response = office.post(f"/office/catalogue/p/{product.pk}/pictures/",
                           {"image": upload, "alt_text": "x"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProductImage.objects.exists()


def test_an_upload_over_20_mb_is_refused(office, settings):
    product = make_product()
    big = SimpleUploadedFile("huge.png", png().read() + b"\0" * (21 * 2**20),
                             content_type="image/png")
    response = office.post(f"/office/catalogue/p/{product.pk}/pictures/",
                           {"image": big})
    assert response.status_code == 400
    assert "larger than 20 MB" in response.content.decode()
    assert not ProductImage.objects.exists()


def test_pictures_move_up_and_down_and_the_first_is_the_thumbnail(office):
    product = make_product()
    for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255)):
        office.post(f"/office/catalogue/p/{product.pk}/pictures/",
                    {"image": png(colour=colour), "alt_text": str(colour)})
    first, second, third = ProductImage.objects.order_by("position", "id")
    office.post(f"/office/catalogue/p/{product.pk}/pictures/{third.pk}/",
                {"up": "1"})
    office.post(f"/office/catalogue/p/{product.pk}/pictures/{third.pk}/",
                {"up": "1"})
    assert list(ProductImage.objects.order_by("position").values_list(
        "pk", flat=True)) == [third.pk, first.pk, second.pk]
    product.refresh_from_db()
    third.refresh_from_db()
    assert product.thumbnail == third.thumbnail.name
    office.post(f"/office/catalogue/p/{product.pk}/pictures/{first.pk}/",
                {"alt_text": "Green, back"})
    first.refresh_from_db()
    assert first.alt_text == "Green, back"
    office.post(f"/office/catalogue/p/{product.pk}/pictures/{second.pk}/",
                {"delete": "1"})
    assert ProductImage.objects.count() == 2


def test_bulk_edit_sets_prices_and_stock_all_or_nothing(office):
    a = make_product(name="Kain", variants=[{"sku": "K-1", "price": "10.00",
                                             "stock": 3}])
    b = make_product(name="Sampin", variants=[{"sku": "S-1", "price": "20.00",
                                               "stock": 4}])
    page = office.get("/office/catalogue/prices-and-stock/?q=")
    assert "K-1" in page.content.decode() and "S-1" in page.content.decode()
    rows = [(a.variants.get(), "12.50", "7", 3), (b.variants.get(), "-1", "5", 4)]

    def post(rows):
        data = {"v-TOTAL_FORMS": len(rows), "v-INITIAL_FORMS": len(rows),
                "v-MIN_NUM_FORMS": 0, "v-MAX_NUM_FORMS": 1000}
        for i, (variant, price, stock, seen) in enumerate(rows):
            data.update({f"v-{i}-variant": variant.pk, f"v-{i}-price": price,
                         f"v-{i}-stock": stock, f"v-{i}-stock_seen": seen})
        return office.post("/office/catalogue/prices-and-stock/", data)

    response = post(rows)
    assert response.status_code == 400
    assert "greater than or equal to 0" in response.content.decode()
    assert sorted(Variant.objects.values_list("price", "stock")) == [
        (Decimal("10.00"), 3), (Decimal("20.00"), 4)]
    # A sale since the page was shown refuses the whole edit…
    Variant.objects.filter(sku="S-1").update(stock=3)
    rows[1] = (b.variants.get(), "21.00", "5", 4)
    response = post(rows)
    assert response.status_code == 400
    assert "changed to 3" in response.content.decode()
    assert Variant.objects.get(sku="K-1").price == Decimal("10.00")
    # …and with the count seen now, it is saved.
    rows[1] = (b.variants.get(), "21.00", "5", 3)
    assert post(rows).status_code == 302
    assert sorted(Variant.objects.values_list("price", "stock")) == [
        (Decimal("12.50"), 7), (Decimal("21.00"), 5)]
    a.refresh_from_db()
    assert a.price == Decimal("12.50")


def test_categories_are_added_ordered_and_kept_out_of_themselves(office):
    for name in ("Baju", "Kain", "Tudung"):
        response = office.post("/office/catalogue/categories/",
                               {"name": name, "slug": name.lower(),
                                "is_active": "on"})
        assert response.status_code == 302
    baju, kain, tudung = Category.objects.order_by("position")
    office.post(f"/office/catalogue/categories/{tudung.pk}/move/", {"up": "1"})
    assert list(Category.objects.order_by("position").values_list(
        "name", flat=True)) == ["Baju", "Tudung", "Kain"]
    office.post(f"/office/catalogue/categories/{baju.pk}/move/", {"down": "1"})
    assert list(Category.objects.order_by("position").values_list(
        "name", flat=True)) == ["Tudung", "Baju", "Kain"]
    # A child, then its parent placed under it: refused.
    office.post("/office/catalogue/categories/",
                {"name": "Batik", "slug": "", "parent": baju.pk})
    batik = Category.objects.get(slug="batik")
    response = office.post(f"/office/catalogue/categories/{baju.pk}/",
                           {"name": "Baju", "slug": "baju", "parent": batik.pk})
    assert response.status_code == 400
    assert "cannot be placed under itself" in response.content.decode()
    baju.refresh_from_db()
    assert baju.parent_id is None
    tree = office.get("/office/catalogue/categories/").content.decode()
    assert tree.index("Tudung") < tree.index("Baju") < tree.index("Batik") \
        < tree.index("Kain")


def test_a_category_with_products_is_not_deleted(office):
    category = CategoryFactory(name="Kain")
    make_product(category=category)
    response = office.post(f"/office/catalogue/categories/{category.pk}/move/",
                           {"delete": "1"}, follow=True)
    assert "Products are in this category" in response.content.decode()
    assert Category.objects.filter(pk=category.pk).exists()


@pytest.mark.parametrize("rate, message", [
    ("-6", "greater than or equal to 0"), ("150", "less than or equal to 100"),
    ("ten", "Enter a number")])
def test_tax_class_rates_are_checked(office, rate, message):
    response = office.post("/office/catalogue/tax/", {
        "code": "sst-10", "name": "SST 10%", "kind": "sales", "rate": rate})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TaxClass.objects.filter(code="sst-10").exists()


def test_a_tax_class_is_added_and_one_in_use_is_kept(office):
    response = office.post("/office/catalogue/tax/", {
        "code": "sst-10", "name": "SST 10%", "kind": "sales", "rate": "10"})
    assert response.status_code == 302
    tax = TaxClass.objects.get(code="sst-10")
    make_product(tax_class=tax)
    office.post(f"/office/catalogue/tax/{tax.pk}/", {"delete": "1"})
    assert TaxClass.objects.filter(pk=tax.pk).exists()


def test_duplicate_copies_the_pictures(office):
    product = make_product()
    office.post(f"/office/catalogue/p/{product.pk}/pictures/",
                {"image": png(), "alt_text": "Front"})
    office.post(f"/office/catalogue/p/{product.pk}/duplicate/")
    copy = type(product).objects.exclude(pk=product.pk).get()
    original, copied = (ProductImage.objects.get(product=p) for p in (product, copy))
    assert copied.alt_text == "Front" and copied.thumbnail
    assert copied.image.name != original.image.name
    # Deleting the copy leaves the original's files alone.
    office.post(f"/office/catalogue/p/{copy.pk}/delete/")
    with original.image.open("rb") as f:
        assert f.read(2) == b"\xff\xd8"  # re-encoded as JPEG, still there


def test_the_list_costs_the_same_queries_for_one_product_or_twenty(
        office, django_assert_max_num_queries):
    make_product()
    with django_assert_max_num_queries(12) as one:
        office.get("/office/catalogue/")
    for _i in range(19):
        make_product()
    with django_assert_max_num_queries(len(one.captured_queries)):
        office.get("/office/catalogue/")
