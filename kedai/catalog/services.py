"""Catalogue writes: keep product summaries, thumbnails and search in step."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from kedai.catalog.events import ProductsChanged
from kedai.catalog.images import thumbnail_from
from kedai.catalog.models import Product, ProductImage, SearchSynonym, Variant
from kedai.catalog.search import get_search_backend
from kedai.catalog.versions import (
    CATALOG_KEY as CACHE_VERSION_KEY,  # noqa: F401 - the old name
)
from kedai.catalog.versions import LISTINGS_KEY, catalog_bump, product_key, stamps_bump
from kedai.core.events import publish

# What a listing card shows that product_refresh computes; a change to any
# of them retires the cached listings.
_LISTED = ("price", "price_max", "in_stock", "thumbnail")


def catalog_changed() -> None:
    """Retire every cached catalogue page and the navigation, everywhere.

    For edits that can show on any page (names, categories, the front page,
    settings). Takes effect after the caller's transaction commits, so no
    request can cache what is not committed yet (and nothing on rollback);
    at once outside a transaction.
    """
    transaction.on_commit(catalog_bump)


def catalog_products_changed(*, slugs: Iterable[str], listed: bool) -> None:
    """Retire the cached pages of these products after commit.

    ``listed``: what a listing shows changed too (price, in or out of
    stock, thumbnail), so cached listings are retired as well.
    """
    keys = [product_key(slug) for slug in slugs]
    if listed:
        keys.append(LISTINGS_KEY)
    if keys:
        transaction.on_commit(lambda: stamps_bump(keys))


def product_refresh(*, product_ids: Iterable[int]) -> None:
    """Recompute listing summaries and the search index of these products.

    Call after any change to a product, its variants (price, stock, active)
    or images, and after category renames (the index holds category names).
    Runs in the caller's transaction when there is one. After commit, the
    cached pages of these products are retired, and cached listings only
    when a summary a listing shows changed (a sale that leaves a product in
    stock at the same price leaves every listing cached). A caller that
    changed names, slugs or visibility calls ``catalog_changed`` as well.
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
        listed, slugs = False, []
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = Product.objects.filter(pk__in=chunk).order_by("pk")
            before = list(rows.values_list("slug", *_LISTED))
            rows.update(
                price=Subquery(active.values("product")
                               .annotate(v=Min("price")).values("v")),
                price_max=Subquery(active.values("product")
                                   .annotate(v=Max("price")).values("v")),
                in_stock=Exists(active.filter(stock__gt=0)),
                thumbnail=Coalesce(Subquery(first_thumb), Value("")),
            )
            after = list(rows.values_list("slug", *_LISTED))
            listed = listed or before != after
            slugs += [row[0] for row in after]
            get_search_backend().index_products(chunk)
        publish(ProductsChanged(product_ids=tuple(ids)))
    catalog_products_changed(slugs=slugs, listed=listed)


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


# Not durable: the admin's change form already runs in a transaction.
@transaction.atomic(savepoint=False)
def search_synonyms_save(*, synonym: SearchSynonym) -> SearchSynonym:
    """Save one group of search synonyms (already validated).

    Searches see it once the transaction commits: the catalogue version is
    bumped, which retires the cached synonym map and cached result pages.
    """
    synonym.save()
    catalog_changed()
    return synonym


@transaction.atomic(savepoint=False)
def search_synonyms_delete(*, synonyms: Iterable[SearchSynonym]) -> int:
    """Delete groups of search synonyms; returns how many were deleted."""
    deleted, _per_model = SearchSynonym.objects.filter(
        pk__in=[s.pk for s in synonyms]).delete()
    catalog_changed()
    return deleted
