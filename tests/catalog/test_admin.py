"""The owner manages the catalogue and front page in the back office."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kedai.catalog.models import FrontPage, Product, ProductImage
from tests.factories import CategoryFactory, make_product

pytestmark = pytest.mark.django_db


def _jpeg(colour=(200, 80, 40), size=(900, 600)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), "image/jpeg")


def _inline(prefix, rows, total=None):
    data = {f"{prefix}-TOTAL_FORMS": str(total or len(rows)),
            f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def test_owner_adds_a_product_with_variants_and_image(admin_client):
    category = CategoryFactory(name="Batik", slug="batik")
    data = {
        "name": "Batik sarong", "slug": "batik-sarong", "category": category.pk,
        "is_active": "on", "description": "Hand-drawn.", "option1_name": "Colour",
        **_inline("variants", [
            {"sku": "SAR-RED", "option1": "Red", "price": "89.00", "stock": "4",
             "weight_grams": "300", "length_cm": "30", "width_cm": "20",
             "height_cm": "2", "is_active": "on", "position": "0"},
            {"sku": "SAR-BLU", "option1": "Blue", "price": "79.50", "stock": "0",
             "weight_grams": "300", "length_cm": "30", "width_cm": "20",
             "height_cm": "2", "is_active": "on", "position": "1"},
        ]),
        **_inline("images", [{"image": _jpeg(), "alt_text": "Red sarong",
                              "position": "0"}]),
    }
    response = admin_client.post("/admin/catalog/product/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    product = Product.objects.get(slug="batik-sarong")
    assert product.price == 79.50 and str(product.price_max) == "89.00"
    assert product.in_stock
    image = ProductImage.objects.get(product=product)
    assert image.thumbnail.name.endswith(".webp")
    with Image.open(image.thumbnail.path) as thumb:
        assert max(thumb.size) == 480
    assert product.thumbnail == image.thumbnail.name


def test_duplicate_sku_is_refused_with_a_message(admin_client):
    make_product(variants=[{"sku": "DUP-1"}])
    category = CategoryFactory()
    data = {"name": "Other", "slug": "other", "category": category.pk,
            **_inline("variants", [{"sku": "DUP-1", "price": "1.00", "stock": "1",
                                    "weight_grams": "1", "length_cm": "0",
                                    "width_cm": "0", "height_cm": "0",
                                    "position": "0"}]),
            **_inline("images", [])}
    response = admin_client.post("/admin/catalog/product/add/", data)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert not Product.objects.filter(slug="other").exists()


def test_product_list_is_searchable_by_sku(admin_client):
    make_product(name="Kopi Tenom", variants=[{"sku": "KOPI-250"}])
    make_product(name="Dodol")
    body = admin_client.get("/admin/catalog/product/?q=KOPI-250").content.decode()
    assert "Kopi Tenom" in body and "Dodol" not in body


def test_front_page_admin_shows_search_snippets(admin_client):
    response = admin_client.get("/admin/catalog/frontpage/", follow=True)
    body = response.content.decode()
    assert FrontPage.objects.count() == 1
    assert "http://testserver/search/" in body
    assert "http://testserver/embed/search.js" in body


def test_category_cannot_become_its_own_ancestor(admin_client):
    parent = CategoryFactory(name="Fashion", slug="fashion")
    child = CategoryFactory(name="Batik", slug="batik", parent=parent)
    response = admin_client.post(f"/admin/catalog/category/{parent.pk}/change/", {
        "name": "Fashion", "slug": "fashion", "parent": child.pk, "position": "0",
        "is_active": "on", "children-TOTAL_FORMS": "0", "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "0", "children-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 200
    assert "cannot be placed under itself" in response.content.decode()
    parent.refresh_from_db()
    assert parent.parent_id is None


def test_not_an_image_is_refused(admin_client):
    category = CategoryFactory()
    bad = SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")
    data = {"name": "X", "slug": "x", "category": category.pk,
            **_inline("variants", [{"sku": "X-1", "price": "1.00", "stock": "1",
                                    "weight_grams": "1", "length_cm": "0",
                                    "width_cm": "0", "height_cm": "0",
                                    "position": "0"}]),
            **_inline("images", [{"image": bad, "position": "0"}])}
    response = admin_client.post("/admin/catalog/product/add/", data)
    assert response.status_code == 200
    assert "valid image" in response.content.decode()
    assert not Product.objects.filter(slug="x").exists()
