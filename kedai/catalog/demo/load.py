"""Storing a generated demo shop: bulk inserts in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, cast

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Field, ForeignObjectRel, Model, Q
from django.utils import timezone

from kedai.catalog.demo import pg_bulk
from kedai.catalog.demo.data import FEATURED_CATEGORIES, FEATURED_PRODUCTS, TAX_CLASSES
from kedai.catalog.demo.generate import (
    DEFAULT_PRODUCTS,
    DEFAULT_SEED,
    DemoProduct,
    DemoSummary,
    demo_categories,
    demo_products,
)
from kedai.catalog.demo.pictures import demo_picture, drawing_for, product_pictures
from kedai.catalog.models import (
    Category,
    FrontPage,
    Product,
    ProductImage,
    TaxClass,
    Variant,
)
from kedai.catalog.search import get_search_backend
from kedai.catalog.services import catalog_changed, product_image_make_thumbnail
from kedai.core.exceptions import ApplicationError

# Products per insert round: large enough to amortise per-round overhead,
# small enough to keep memory flat at 100,000 products.
BATCH_SIZE = 2000


class DemoShopError(ApplicationError):
    """The demo shop cannot be loaded as asked (e.g. products already exist)."""


# --- Loading ----------------------------------------------------------------------


@transaction.atomic(durable=True)
def demo_shop_load(*, products: int = DEFAULT_PRODUCTS, seed: int = DEFAULT_SEED,
                   with_images: bool = True, flush: bool = False) -> DemoSummary:
    """Fill the catalogue with the demo shop generated from ``seed``.

    Creates the tax classes, the category tree, ``products`` products with
    their variants (and, ``with_images``, 2-4 drawn pictures with thumbnails
    each, a logo and a banner), and sets up the front page. Product summaries
    (price, price_max, in_stock, thumbnail) are written directly and the
    search index is rebuilt once. Everything happens in one transaction.

    Raises DemoShopError (code ``catalog_not_empty``) when products already
    exist, unless ``flush`` deletes the whole catalogue first; rows of other
    apps that point at deleted variants then follow their own on_delete
    (cart lines go too). Outside the catalogue and the front page it writes
    nothing. An entry point: never call it inside another transaction.
    Picture files written before a failure are left behind in storage.
    """
    if products < 0:
        raise DemoShopError("The number of products cannot be negative.",
                            code="invalid_count")
    if flush:
        _catalog_delete()
    elif Product.objects.exists():
        raise DemoShopError("The catalogue already has products.",
                            code="catalog_not_empty")

    taxes = _tax_classes_upsert()
    categories = _categories_upsert(with_images=with_images)
    counts = {"variants": 0, "images": 0, "out_of_stock": 0, "products": 0}
    featured: list[int] = []
    featured_roots: set[str] = set()
    shared_pictures: dict[tuple, list[tuple[str, str]]] = {}
    root_of = {c.slug: c.parent_slug or c.slug for c in demo_categories()}
    with _bulk_indexes(products):
        for batch in _chunks(demo_products(count=products, seed=seed), BATCH_SIZE):
            ids = _products_insert(batch, categories=categories, taxes=taxes)
            counts["products"] += len(ids)
            counts["variants"] += _variants_insert(batch, ids)
            if with_images:
                counts["images"] += _pictures_create(batch, ids, shared_pictures)
            for item, product_id in zip(batch, ids, strict=True):
                counts["out_of_stock"] += not item.in_stock
                root = root_of[item.category_slug]
                if (len(featured) < FEATURED_PRODUCTS and item.in_stock
                        and root not in featured_roots):
                    featured.append(product_id)
                    featured_roots.add(root)
        get_search_backend().rebuild()
    _front_page_set(categories=categories, featured=featured,
                    with_images=with_images)
    catalog_changed()
    return DemoSummary(
        seed=seed, categories=len(categories), products=counts["products"],
        variants=counts["variants"], images=counts["images"],
        out_of_stock=counts["out_of_stock"], featured_products=tuple(featured),
    )


# From this many products up, PostgreSQL drops the catalogue's secondary
# indexes (and the search index's) for the load and builds them once after.
BULK_INDEXES_FROM = 20_000


def _bulk_tables() -> list[str]:
    from kedai.catalog.search import postgres as pg_search

    tables = [Product._meta.db_table, Variant._meta.db_table]
    if isinstance(get_search_backend(), pg_search.PostgresSearchBackend):
        tables.append(pg_search.TABLE)  # its GIN index, built once
    return tables


def _bulk_indexes(products: int) -> AbstractContextManager[object]:
    if pg_bulk.is_postgresql() and products >= BULK_INDEXES_FROM:
        return pg_bulk.secondary_indexes_dropped(_bulk_tables())
    return nullcontext()


def demo_shop_vacuum(*, products: int) -> None:
    """After a big load on PostgreSQL (outside its transaction): VACUUM the
    catalogue tables, so counts and listings can use index-only scans at
    once instead of after autovacuum gets round to millions of new rows."""
    if pg_bulk.is_postgresql() and products >= BULK_INDEXES_FROM:
        pg_bulk.tables_vacuum(_bulk_tables())


def _chunks(items: Iterable[DemoProduct], size: int) -> Iterator[list[DemoProduct]]:
    batch: list[DemoProduct] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _catalog_delete() -> None:
    """Delete every product, variant, picture and category (files on commit).

    Django's delete collector loads every row and deletes in batches of 100,
    which takes minutes at 100,000 products. So the links inside the
    catalogue are cut first and the tables emptied with one DELETE each;
    only rows that other apps point at (cart lines, later order lines) go
    through the collector, so those apps' on_delete rules still apply.
    """
    files = [
        name
        for pair in ProductImage.objects.values_list("image", "thumbnail")
        for name in pair
        if name
    ]
    files += list(Category.objects.exclude(image="")
                  .values_list("image", flat=True))
    FrontPage.featured_products.through.objects.all().delete()
    FrontPage.featured_categories.through.objects.all().delete()
    FrontPage.objects.update(hero_link_category=None)
    Category.objects.update(parent=None)
    internal: set[type[Model]] = {ProductImage, Variant, Product, Category, FrontPage,
                FrontPage.featured_products.through,
                FrontPage.featured_categories.through}
    with connection.cursor() as cursor:
        for model in (ProductImage, Variant, Product, Category):
            outside = _referenced_from(model, exclude=internal)
            if outside is not None:
                model._base_manager.filter(outside).delete()
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - name from _meta
    transaction.on_commit(lambda: _files_delete(files))


def _referenced_from(model: type[Model], *, exclude: set[type[Model]]) -> Q | None:
    """Rows of ``model`` that a model outside ``exclude`` refers to, if any."""
    condition = None
    for rel in model._meta.get_fields(include_hidden=True):
        if not (isinstance(rel, ForeignObjectRel) and rel.auto_created
                and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        if rel.related_model in exclude:
            continue
        target = rel.field.target_field.attname
        referring = rel.related_model._base_manager.values(rel.field.attname)
        found = Q(**{f"{target}__in": referring})
        condition = found if condition is None else condition | found
    return condition


def _files_delete(names: Sequence[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _tax_classes_upsert() -> dict[str, int]:
    ids = {}
    for code, name, kind, rate in TAX_CLASSES:
        tax, _ = TaxClass.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "rate": rate}
        )
        ids[code] = tax.pk
    return ids


def _categories_upsert(*, with_images: bool) -> dict[str, Category]:
    out: dict[str, Category] = {}
    for item in demo_categories():
        category, _ = Category.objects.update_or_create(
            slug=item.slug,
            defaults={
                "name": item.name,
                "description": item.description,
                "position": item.position,
                "is_active": True,
                "parent": out[item.parent_slug] if item.parent_slug else None,
            },
        )
        if with_images and item.parent_slug is None and not category.image:
            picture = demo_picture(title=item.name, colour=item.colour,
                                   size=(600, 600), pattern=item.position)
            category.image.save(f"{item.slug}.jpg", ContentFile(picture))
        out[item.slug] = category
    return out


def _products_insert(batch: Sequence[DemoProduct], *, categories: dict[str, Category],
                     taxes: dict[str, int]) -> list[int]:
    """Insert a batch of products; return their ids in batch order."""
    reserved: list[int] = []
    if pg_bulk.is_postgresql():  # ids known before the COPY: no read-back
        reserved = pg_bulk.ids_reserve(Product._meta.db_table, len(batch))
    _rows_insert(Product, (
        "name", "slug", "category_id", "description", "tax_class_id", "is_active",
        "option1_name", "option2_name", "option3_name",
        # The summaries product_refresh would compute, known already.
        "price", "price_max", "in_stock", "thumbnail",
    ), (
        (item.name, item.slug, categories[item.category_slug].pk, item.description,
         taxes[item.tax_code], True, *item.option_names, item.price,
         item.price_max, item.in_stock, "")
        for item in batch
    ), ids=reserved)
    if reserved:
        return reserved
    ids = dict(Product.objects.filter(slug__in=[item.slug for item in batch])
               .values_list("slug", "pk"))
    return [ids[item.slug] for item in batch]


def _variants_insert(batch: Sequence[DemoProduct], ids: Sequence[int]) -> int:
    return _rows_insert(Variant, (
        "product_id", "sku", "option1", "option2", "option3", "price",
        "compare_at_price", "stock", "weight_grams", "length_cm", "width_cm",
        "height_cm", "is_active", "position",
    ), (
        (product_id, v.sku, *v.options, v.price, v.compare_at_price, v.stock,
         v.weight_grams, *v.dimensions, v.is_active, position)
        for item, product_id in zip(batch, ids, strict=True)
        for position, v in enumerate(item.variants)
    ))


def _rows_insert(model: type[Model], names: Sequence[str],
                 rows: Iterable[Sequence[object]], *,
                 ids: Sequence[int] = ()) -> int:
    """INSERT ``rows`` (values for the fields ``names``) with one executemany.

    bulk_create spends most of its time preparing each value through its
    field; at 100,000 products that alone takes minutes. The values here are
    already what both drivers accept (str, int, bool, Decimal, None), so
    they go to the driver as they are. created_at/updated_at get "now".
    On PostgreSQL the rows are streamed with COPY instead (pg_bulk), with
    ``ids`` (one per row) as their primary keys when given.
    """
    opts = model._meta
    qn = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = [cast(str, cast(Field, opts.get_field(n)).column) for n in names]
    columns += ["created_at", "updated_at"]
    if pg_bulk.is_postgresql():
        now_value = timezone.now()
        if ids:
            return pg_bulk.rows_copy(
                qn(opts.db_table), [qn("id"), *(qn(c) for c in columns)],
                ((pk, *row, now_value, now_value)
                 for pk, row in zip(ids, rows, strict=True)))
        return pg_bulk.rows_copy(qn(opts.db_table), [qn(c) for c in columns],
                                 ((*row, now_value, now_value) for row in rows))
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from _meta
        qn(opts.db_table), ", ".join(qn(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    values: list[tuple[Any, ...]] = [(*row, now, now) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return len(values)


# Products up to this number get pictures of their own; further ones (large
# generated catalogues) share the files of an earlier product that looks
# the same, so `--products 100000` with pictures stays quick.
OWN_PICTURES = DEFAULT_PRODUCTS


def _picture_plan(item: DemoProduct) -> tuple[str, str, tuple[str, ...], int]:
    """What ``item``'s pictures show: family code, colour, colour options
    and how many views (2-4, by product number)."""
    kind = item.variants[0].sku.split("-")[1]
    colours: tuple[str, ...] = ()
    if "Colour" in item.option_names:
        at = item.option_names.index("Colour")
        colours = tuple(dict.fromkeys(v.options[at] for v in item.variants))
    return kind, item.colour, colours, 2 + item.number % 3


def _pictures_create(batch: Sequence[DemoProduct], ids: Sequence[int],
                     shared: dict[tuple, list[tuple[str, str]]]) -> int:
    """2-4 drawn views per product (demo.pictures), stored like an upload
    (file, then a thumbnail by the catalogue's own pipeline); the first
    view is the product's listing thumbnail. ``shared`` maps what a picture
    shows to files already stored, for products past OWN_PICTURES."""
    products, reused = [], []
    for item, product_id in zip(batch, ids, strict=True):
        kind, colour, colours, count = _picture_plan(item)
        key = (drawing_for(name=item.name, kind=kind), colour, colours, count)
        files = shared.get(key) if item.number > OWN_PICTURES else None
        if files is None:
            files = []
            pictures = product_pictures(name=item.name, kind=kind, colour=colour,
                                        options=colours, count=count, seed=item.number)
            for position, picture in enumerate(pictures):
                image = ProductImage(product_id=product_id, alt_text=item.name,
                                     position=position)
                suffix = f"-{position + 1}" if position else ""
                image.image.save(f"{item.slug}{suffix}.jpg", ContentFile(picture),
                                 save=True)
                image = product_image_make_thumbnail(image=image)
                files.append((image.image.name or "", image.thumbnail.name or ""))
            shared.setdefault(key, files)
        else:
            reused += [ProductImage(product_id=product_id, alt_text=item.name,
                                    position=position, image=name, thumbnail=thumb)
                       for position, (name, thumb) in enumerate(files)]
        products.append(Product(pk=product_id, thumbnail=files[0][1]))
    ProductImage.objects.bulk_create(reused, batch_size=1000)
    Product.objects.bulk_update(products, ["thumbnail"], batch_size=1000)
    return sum(_picture_plan(item)[3] for item in batch)


def _front_page_set(*, categories: dict[str, Category], featured: list[int],
                    with_images: bool) -> None:
    front, _ = FrontPage.objects.get_or_create(pk=1)
    front.store_name = "Kedai Nusantara"
    front.tagline = "Batik, songket, kopi and kuih from every corner of Malaysia"
    front.announcement = "Free delivery in Peninsular Malaysia above RM150"
    front.hero_title = "Made in Malaysia, delivered to your door"
    front.hero_text = ("Hand-drawn batik from Kelantan, Tenom coffee from Sabah and "
                       "kuih raya from home kitchens in Melaka, straight from the "
                       "people who make them.")
    front.hero_link_label = "Shop batik"
    front.hero_link_category = categories["batik"]
    if with_images:
        old = [f.name for f in (front.logo, front.hero_image) if f and f.name]
        front.logo.save("kedai-nusantara-logo.png", ContentFile(demo_picture(
            title="Kedai Nusantara", colour="#7a1f3d", size=(320, 320),
            fmt="PNG", mark="KN")), save=False)
        front.hero_image.save("kedai-nusantara-banner.jpg", ContentFile(demo_picture(
            # The storefront lays the banner title over it, so no text here.
            title="", colour="#2f5d50", size=(1600, 640), pattern=2, mark="",
        )), save=False)
        transaction.on_commit(lambda: _files_delete(old))
    front.save()
    front.featured_categories.set([categories[s] for s in FEATURED_CATEGORIES])
    front.featured_products.set(featured)

