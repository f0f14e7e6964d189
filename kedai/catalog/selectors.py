"""Catalogue reads for the storefront: navigation, listings, product pages.

Every listing is a constant number of queries whatever the page size:
summaries (price, stock, thumbnail) live on Product, and navigation data is
cached until the catalogue changes (services.catalog_changed).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)

from kedai.catalog import versions
from kedai.catalog.models import Category, FrontPage, Product, ProductImage, Variant
from kedai.catalog.search import get_search_backend
from kedai.catalog.search.base import SORTS

NAV_TIMEOUT = 300
# Listings count exactly up to this many products (see _listing_count).
COUNT_CAP = 10_000


@dataclass(frozen=True)
class CategoryNode:
    id: int
    name: str
    slug: str
    parent_id: int | None
    depth: int
    children: tuple[int, ...]
    image: str

    @property
    def indent(self) -> str:
        """Non-breaking spaces that show the depth in a select box."""
        return "\u00a0\u00a0" * self.depth


@dataclass(frozen=True)
class Navigation:
    """Everything every page's header, footer and filters need."""

    front_page: FrontPage
    categories: dict[int, CategoryNode]
    roots: tuple[int, ...]
    featured_category_ids: tuple[int, ...]
    by_slug: dict[str, int] = field(default_factory=dict)

    def descendant_ids(self, category_id: int) -> tuple[int, ...]:
        """The category and every category below it."""
        out, stack = [], [category_id]
        while stack:
            node = self.categories[stack.pop()]
            out.append(node.id)
            stack.extend(node.children)
        return tuple(out)

    def ancestors(self, category_id: int) -> list[CategoryNode]:
        """Root first, the category itself last (for breadcrumbs)."""
        chain: list[CategoryNode] = []
        node_id: int | None = category_id
        while node_id is not None:
            node = self.categories[node_id]
            chain.append(node)
            node_id = node.parent_id
        return chain[::-1]

    def tree(self) -> list[CategoryNode]:
        """All categories depth-first, for menus and select boxes."""
        out: list[CategoryNode] = []

        def walk(ids):
            for i in ids:
                out.append(self.categories[i])
                walk(self.categories[i].children)

        walk(self.roots)
        return out

    @property
    def root_nodes(self) -> list[CategoryNode]:
        """Top-level categories, for the header menu."""
        return [self.categories[i] for i in self.roots]

    @property
    def featured_categories(self) -> list[CategoryNode]:
        return [self.categories[i] for i in self.featured_category_ids
                if i in self.categories]


def catalog_version() -> int:
    """The current catalogue version; services.catalog_changed() bumps it."""
    return versions.catalog_version()


def navigation_get() -> Navigation:
    """Return the cached navigation (active categories and front page)."""
    key = f"catalog:nav:{catalog_version()}"
    nav = cache.get(key)
    if nav is None:
        nav = _navigation_build()
        cache.set(key, nav, NAV_TIMEOUT)
    return nav


def _navigation_build() -> Navigation:
    front, _ = FrontPage.objects.get_or_create(pk=1)
    # Featured flags ride along with the categories: one query, not two.
    featured_link = FrontPage.featured_categories.through.objects.filter(
        frontpage_id=front.pk, category_id=OuterRef("pk"))
    rows = list(Category.objects.filter(is_active=True)
                .annotate(featured=Exists(featured_link))
                .values("id", "name", "slug", "parent_id", "image", "featured"))
    by_id = {r["id"]: r for r in rows}
    active = set(by_id)
    children: dict[int | None, list[int]] = {}
    for r in rows:  # rows come in Meta.ordering (position, name)
        parent = r["parent_id"] if r["parent_id"] in active else None
        if r["parent_id"] is not None and parent is None:
            continue  # under an inactive category: hidden with it
        children.setdefault(parent, []).append(r["id"])
    nodes: dict[int, CategoryNode] = {}

    def add(ids, depth):
        for i in ids:
            r = by_id[i]
            nodes[i] = CategoryNode(i, r["name"], r["slug"], r["parent_id"], depth,
                                    tuple(children.get(i, ())), r["image"] or "")
            add(children.get(i, ()), depth + 1)

    add(children.get(None, ()), 0)
    featured = tuple(r["id"] for r in rows if r["featured"])
    return Navigation(
        front_page=front, categories=nodes, roots=tuple(children.get(None, ())),
        featured_category_ids=featured,
        by_slug={n.slug: i for i, n in nodes.items()},
    )


@dataclass(frozen=True)
class ListingParams:
    """A validated listing or search request."""

    text: str = ""
    category_id: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    on_sale: bool = False
    sort: str = ""
    page: int = 1
    per_page: int = 24


@dataclass(frozen=True)
class ProductPage:
    products: list[Product]
    total: int
    page: int
    per_page: int
    corrected_text: str | None = None
    total_is_estimate: bool = False

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


_ORDER = {
    "price": ("price", "id"),
    "-price": ("-price", "id"),
    "newest": ("-created_at", "-id"),
    "name": ("name", "id"),
    "relevance": ("name", "id"),  # without words there is nothing to rank by
}

LISTING_FIELDS = ("id", "name", "slug", "price", "price_max", "in_stock",
                  "thumbnail", "category_id", "option1_name")


def _on_sale_variants():
    """Active variants of the outer product priced below their compare-at price."""
    return Variant.objects.filter(product=OuterRef("pk"), is_active=True,
                                  compare_at_price__gt=F("price"))


def listed(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """``queryset`` with what a product card shows: the listing fields and
    ``compare_at`` (the compare-at price of the cheapest variant on sale,
    None when nothing is on sale)."""
    return queryset.only(*LISTING_FIELDS).annotate(compare_at=Subquery(
        _on_sale_variants().order_by("price", "id").values("compare_at_price")[:1]))


def product_listing(params: ListingParams,
                    nav: Navigation | None = None) -> ProductPage:
    """Return one page of active products matching ``params``.

    Two queries at most (count and page), plus the search backend's own
    when there is text; none when the same page is cached. Pages are
    cached for KEDAI_PAGE_CACHE_SECONDS (0: never) under the catalogue and
    listings versions (catalog.versions), so they are shared by every
    language, by the page, its htmx partial and every cart token, and are
    retired by any change a listing shows.
    """
    seconds = settings.KEDAI_PAGE_CACHE_SECONDS
    if seconds <= 0:
        return _product_listing(params, nav)
    stamps = versions.stamps_get([versions.CATALOG_KEY, versions.LISTINGS_KEY])
    digest = hashlib.sha256(repr(params).encode("utf-8", "surrogateescape"))
    key = f"catalog:listing:{stamps}:{digest.hexdigest()}"
    page = cache.get(key)
    if page is None:
        page = _product_listing(params, nav)
        cache.set(key, page, seconds)
    return page


def _category_ids(params: ListingParams, nav: Navigation) -> tuple[int, ...] | None:
    """The category of ``params`` and those below it; None for all."""
    if params.category_id is None:
        return None
    return (nav.descendant_ids(params.category_id)
            if params.category_id in nav.categories else (params.category_id,))


def _listing_base(params: ListingParams, nav: Navigation,
                  categories: bool = True) -> QuerySet[Product]:
    """Active, priced products matching the filters of ``params`` (not its
    words; its category only if ``categories``)."""
    base = Product.objects.filter(is_active=True, price__isnull=False)
    ids = _category_ids(params, nav) if categories else None
    if ids is not None:
        base = base.filter(category_id__in=ids)
    if params.price_min is not None:
        base = base.filter(price__gte=params.price_min)
    if params.price_max is not None:
        base = base.filter(price__lte=params.price_max)
    if params.in_stock:
        base = base.filter(in_stock=True)
    if params.on_sale:
        base = base.filter(Exists(_on_sale_variants()))
    return base


def _product_listing(params: ListingParams, nav: Navigation | None) -> ProductPage:
    nav = nav or navigation_get()
    base = _listing_base(params, nav)
    sort = params.sort if params.sort in SORTS else ""
    offset = (params.page - 1) * params.per_page

    if params.text.strip():
        hits = get_search_backend().search(
            text=params.text, base=base, sort=sort or "relevance",
            offset=offset, limit=params.per_page,
        )
        by_id = listed(Product.objects.all()).in_bulk(hits.ids)
        products = [by_id[i] for i in hits.ids if i in by_id]
        return ProductPage(products, hits.total, params.page, params.per_page,
                           hits.corrected_text, hits.estimated)

    total, estimated = _listing_count(base)
    order = _ORDER[sort or "name"]
    ids = _category_ids(params, nav)
    priced = params.price_min is not None or params.price_max is not None
    if (connection.vendor == "postgresql" and ids is not None and len(ids) > 1
            and (not priced or order[0].lstrip("-") == "price")):
        page_ids = _merged_page_ids(_listing_base(params, nav, categories=False),
                                    ids, order, offset, params.per_page)
        by_id = listed(Product.objects.all()).in_bulk(page_ids)
        products = [by_id[i] for i in page_ids if i in by_id]
    else:
        products = list(listed(base).order_by(*order)[offset:offset + params.per_page])
    return ProductPage(products, total, params.page, params.per_page,
                       total_is_estimate=estimated)


def _listing_count(base: QuerySet[Product]) -> tuple[int, bool]:
    """How many products ``base`` holds, and whether that is an estimate.

    On PostgreSQL, exact up to ``COUNT_CAP``; beyond it the planner's row
    estimate (rounded to two significant figures): counting a parent
    category's 200,000 products reads as many index entries, and the pager
    needs no more than a fair idea. SQLite counts exactly.
    """
    if connection.vendor != "postgresql":
        return base.count(), False
    total = base.order_by().values("id")[:COUNT_CAP + 1].count()
    if total <= COUNT_CAP:
        return total, False
    plan = json.loads(base.order_by().values("id").explain(format="json"))
    rows = int(plan[0]["Plan"]["Plan Rows"])
    return max(round(rows, 2 - len(str(rows))), COUNT_CAP + 1), True


def _merged_page_ids(base: QuerySet[Product], category_ids: tuple[int, ...],
                     order: tuple[str, ...], offset: int, limit: int) -> list[int]:
    """Ids of one page of ``base`` products in ``category_ids``, in ``order``.

    PostgreSQL 15 cannot walk the per-category listing indexes of several
    categories in one order: given ``category_id IN (...)``, it walks the
    shop-wide index and skips other categories' products, or sorts them
    all. The first ``offset + limit`` of each category, each a short walk
    of its own index, merged, hold the page. With a price range, only in
    price order: in another, a category with nothing in the range would
    be walked to its end (prices and categories go together, which the
    planner does not know).
    """
    columns = ("id", "price", "created_at", "name")
    parts = [base.filter(category_id=c).order_by(*order)
             .values(*columns)[:offset + limit] for c in category_ids]
    merged = parts[0].union(*parts[1:], all=True).order_by(*order)
    return [row["id"] for row in merged[offset:offset + limit]]


def product_get(*, slug: str) -> Product:
    """Return an active product with its active variants and images.

    Raises Product.DoesNotExist.
    """
    return (
        Product.objects.filter(is_active=True, slug=slug)
        .select_related("category")
        .prefetch_related(
            Prefetch("variants", queryset=Variant.objects.filter(is_active=True)),
            Prefetch("images", queryset=ProductImage.objects.all()),
        )
        .get()
    )


def products_by_ids(ids: list[int]) -> list[Product]:
    """Active products in the given order (for featured lists)."""
    by_id = listed(Product.objects.filter(is_active=True, price__isnull=False)
                   ).in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def featured_products(front: FrontPage, limit: int = 12) -> list[Product]:
    """The owner's featured products, or the newest when none are chosen."""
    products = listed(Product.objects.filter(is_active=True, price__isnull=False))
    chosen = list(products.filter(
        pk__in=FrontPage.featured_products.through.objects
        .filter(frontpage_id=front.pk).values("product_id"))[:limit])
    return chosen or list(products.order_by("-created_at", "-id")[:limit])


def default_per_page() -> int:
    return settings.KEDAI_PAGE_SIZE


def product_suggestions(*, text: str, limit: int = 8):
    """Live search-box suggestions (see SearchBackend.suggest)."""
    return get_search_backend().suggest(text=text, limit=limit)


def product_single_variant_id(*, product_id: int) -> int | None:
    """The id of a product's only active variant; None if it has several."""
    ids = list(Variant.objects.filter(product_id=product_id, is_active=True,
                                      product__is_active=True)
               .values_list("id", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


@dataclass(frozen=True)
class Facets:
    """Counts for narrowing a listing: per category, in stock, price range."""

    categories: list[tuple[int, int]]  # (category id, products), most first
    in_stock: int
    price_min: Decimal | None
    price_max: Decimal | None


FACET_WINDOW = 500  # searches count facets over their best matches only


def product_facets(params: ListingParams, nav: Navigation | None = None) -> Facets:
    """Facets of the products ``params`` matches (ignoring its page).

    With words, counted over the ``FACET_WINDOW`` best matches, so a
    broad search stays cheap. Three queries plus the search backend's.
    """
    nav = nav or navigation_get()
    base = _listing_base(params, nav)
    if params.text.strip():
        hits = get_search_backend().search(
            text=params.text, base=base, sort="relevance", offset=0,
            limit=FACET_WINDOW)
        base = Product.objects.filter(pk__in=hits.ids)
    by_category = (base.filter(category_id__isnull=False).values("category_id")
                   .annotate(n=Count("id")).order_by("-n", "category_id"))
    span = base.aggregate(low=Min("price"), high=Max("price"))
    return Facets(
        categories=[(row["category_id"], row["n"]) for row in by_category],
        in_stock=base.filter(in_stock=True).count(),
        price_min=span["low"], price_max=span["high"])
