"""Full backup and restore into an empty shop, row by row and file by file."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image

from kedai.catalog.models import Category, FrontPage, Product, ProductImage
from kedai.catalog.search import get_search_backend
from kedai.catalog.services import product_image_make_thumbnail
from kedai.core.numbering import number_allocate
from kedai.dataio.backup import (
    backup_models,
    backup_restore,
    backup_write,
    shop_is_empty,
)
from kedai.dataio.exceptions import DataError

pytestmark = pytest.mark.django_db


def png(colour: str) -> ContentFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return ContentFile(out.getvalue())


def every_table() -> dict:
    tables = {}
    for model in backup_models():
        tables[model._meta.label] = list(model._base_manager.order_by("pk").values())
        for m2m in model._meta.many_to_many:
            through = m2m.remote_field.through
            tables[through._meta.label] = list(
                through.objects.order_by("pk").values())
    return tables


def media_files(tables: dict) -> dict:
    names = {row[f] for rows in tables.values() for row in rows
             for f in ("image", "thumbnail", "logo", "hero_image")
             if row.get(f)}
    return {name: default_storage.open(name).read() for name in sorted(names)}


def empty_the_shop(files) -> None:
    """What a fresh installation has: no rows (not even seeded ones), no
    media files."""
    for model in reversed(backup_models()):
        model._base_manager.all()._raw_delete(using="default")
    for name in files:
        default_storage.delete(name)


@pytest.fixture
def full_shop(orders):
    shirt = Product.objects.get(slug="batik-shirt")
    for i, colour in enumerate(("red", "blue")):
        image = ProductImage(product=shirt, alt_text=f"Shirt {i}", position=i)
        image.image.save(f"shirt-{i}.png", png(colour), save=True)
        product_image_make_thumbnail(image=image)
    category = Category.objects.get(slug="clothes")
    category.image.save("clothes.png", png("green"), save=True)
    front, _created = FrontPage.objects.get_or_create(pk=1)
    front.store_name, front.tagline = "Kedai Farah", "=1+1"
    front.logo.save("logo.png", png("black"), save=True)
    front.featured_products.add(shirt)
    front.featured_categories.add(category)
    return orders


def test_backup_then_restore_into_an_empty_shop_is_exact(full_shop, tmp_path):
    # Given a shop with products, images, customers, orders, payments,
    # documents and outbox messages
    before = every_table()
    files = media_files(before)
    assert len(files) == 6
    for label in ("orders.Order", "payments.Payment", "invoicing.Document",
                  "notifications.Message", "customers.Customer",
                  "shipping.ShipmentParcel", "catalog.ProductImage"):
        assert before[label], label
    archive = tmp_path / "backup.zip"
    manifest = backup_write(archive)
    assert manifest["tables"]["catalog.Variant"] == 3
    # When the shop is emptied and the backup restored
    empty_the_shop(files)
    assert shop_is_empty()
    assert not any(default_storage.exists(name) for name in files)
    with archive.open("rb") as f:
        backup_restore(f)
    # Then every table and every media file is as it was
    after = every_table()
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label
    assert media_files(after) == files
    # And numbering continues where it was, and search finds products
    with transaction.atomic():
        assert number_allocate(series="C") == "C-000002"
    hits = get_search_backend().suggest(text="batik", limit=5)
    assert [hit.slug for hit in hits] == ["batik-shirt"]


def test_restore_refuses_a_shop_that_is_not_empty(shop, tmp_path):
    archive = tmp_path / "backup.zip"
    backup_write(archive)
    with pytest.raises(DataError) as refused:
        backup_restore(archive)
    assert refused.value.message.startswith("Restore only goes into an empty shop")


def test_restore_refuses_other_files(db, tmp_path):
    with pytest.raises(DataError, match="not a ZIP archive"):
        backup_restore(io.BytesIO(b"not a zip"))
    bad = io.BytesIO()
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("manifest.json", '{"app": "kedai", "format": 1, "tables": {}}')
        z.writestr("media/../../etc/passwd", "x")
    with pytest.raises(DataError, match="unsafe file name"):
        backup_restore(io.BytesIO(bad.getvalue()))


def test_backup_and_restore_commands(shop, tmp_path):
    from django.core.management import CommandError, call_command

    archive = tmp_path / "shop.zip"
    call_command("shop_backup", str(archive))
    with pytest.raises(CommandError, match="Restore only goes into an empty shop"):
        call_command("shop_restore", str(archive))
    empty_the_shop([])
    call_command("shop_restore", str(archive))
    assert Product.objects.count() == 2
