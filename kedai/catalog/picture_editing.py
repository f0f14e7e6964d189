"""A product's pictures, as the back office edits them: add (with its
thumbnail), alt text, order and delete. Services like those of
kedai.catalog.editing: one transaction each, listing summaries refreshed
(the first picture is the one listings show)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kedai.catalog.editing import MAX_IMAGES, CatalogError, position_move
from kedai.catalog.images import ImageProcessingError
from kedai.catalog.models import Product, ProductImage
from kedai.catalog.services import (
    product_image_make_thumbnail,
    product_refresh,
)


@transaction.atomic(durable=True)
def product_image_add(*, product: Product, upload, alt_text: str = "") -> ProductImage:
    """Add a picture (already checked and re-encoded by
    ``RasterImageFormField``) at the end, with its thumbnail."""
    if product.images.count() >= MAX_IMAGES:
        raise CatalogError(_("A product has at most %(max)s pictures.")
                           % {"max": MAX_IMAGES}, field="image", code="too_many")
    position = (product.images.aggregate(m=Max("position"))["m"] or 0) + 1
    image = ProductImage(product=product, alt_text=alt_text, position=position)
    image.image.save(upload.name, upload, save=False)
    image.save()
    try:
        product_image_make_thumbnail(image=image)
    except ImageProcessingError:
        raise CatalogError(_("This picture could not be read."),
                           field="image", code="not_image") from None
    product_refresh(product_ids=[product.pk])
    return image


@transaction.atomic(durable=True)
def product_image_update(*, image: ProductImage, alt_text: str) -> ProductImage:
    """Change a picture's alt text (what screen readers say)."""
    image.alt_text = alt_text
    image.save(update_fields=["alt_text", "updated_at"])
    product_refresh(product_ids=[image.product_id])
    return image


@transaction.atomic(durable=True)
def product_image_move(*, image: ProductImage, step: int) -> None:
    """Move a picture one place earlier (-1) or later (+1); the first is
    the one listings show."""
    position_move(ProductImage.objects.filter(product_id=image.product_id), image, step)
    product_refresh(product_ids=[image.product_id])


def product_image_delete(*, image: ProductImage) -> None:
    """Delete a picture and its files."""
    names = [n for n in (image.image.name, image.thumbnail.name) if n]
    storage = ProductImage._meta.get_field("image").storage
    with transaction.atomic(durable=True):
        product_id = image.product_id
        image.delete()
        product_refresh(product_ids=[product_id])
    for name in names:
        storage.delete(name)
