"""Catalogue writes: keep product summaries, thumbnails and search in step."""

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from kedai.catalog.images import thumbnail_from
from kedai.catalog.models import Product, ProductImage, Variant
from kedai.catalog.search import get_search_backend

CACHE_VERSION_KEY = "catalog:version"


def catalog_changed() -> None:
    """Invalidate cached catalogue data (navigation, front page) everywhere."""
    try:
        cache.incr(CACHE_VERSION_KEY)
    except ValueError:
        cache.set(CACHE_VERSION_KEY, 2, timeout=None)


def product_refresh(*, product_ids: Iterable[int]) -> None:
    """Recompute listing summaries and the search index of these products.

    Call after any change to a product, its variants (price, stock, active)
    or images, and after category renames (the index holds category names).
    Runs in the caller's transaction when there is one.
    """
    ids = list(product_ids)
    if not ids:
        return
    active = Variant.objects.filter(product=OuterRef("pk"), is_active=True).order_by()
    first_thumb = (
        ProductImage.objects.filter(product=OuterRef("pk"))
        .exclude(thumbnail="")
        .order_by("position", "id")
        .values("thumbnail")[:1]
    )
    with transaction.atomic(savepoint=False):
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            Product.objects.filter(pk__in=chunk).update(
                price=Subquery(active.values("product")
                               .annotate(v=Min("price")).values("v")),
                price_max=Subquery(active.values("product")
                                   .annotate(v=Max("price")).values("v")),
                in_stock=Exists(active.filter(stock__gt=0)),
                thumbnail=Coalesce(Subquery(first_thumb), Value("")),
            )
            get_search_backend().index_products(chunk)
        from kedai.api import webhooks  # until kedai.core.events

        webhooks.products_changed(ids)
    catalog_changed()


def product_image_make_thumbnail(*, image: ProductImage) -> ProductImage:
    """Create or replace the thumbnail of ``image`` from its upload.

    Raises ImageProcessingError when the upload is not a readable image.
    """
    thumb = thumbnail_from(image.image.file, image.image.name or "image")
    if image.thumbnail:
        image.thumbnail.delete(save=False)
    image.thumbnail.save(thumb.name or "thumbnail.webp", thumb, save=False)
    image.save(update_fields=["thumbnail", "updated_at"])
    return image


def product_removed(*, product_ids: Iterable[int]) -> None:
    """Drop deleted products from the search index and caches."""
    get_search_backend().index_products(list(product_ids))
    catalog_changed()


def category_reindex(*, category) -> None:
    """Re-index products in ``category`` and below (after a rename)."""
    from kedai.catalog.models import Category

    ids, frontier = [category.pk], [category.pk]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier)
                        .values_list("pk", flat=True))
        ids.extend(frontier)
    product_refresh(product_ids=Product.objects.filter(category_id__in=ids)
                    .values_list("pk", flat=True))
