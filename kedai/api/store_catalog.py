"""Storefront API: categories, product listings, search and products.

Reads only, public and cacheable, the same selectors as the HTML pages
(kedai.catalog.selectors). Listings page with an opaque cursor.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from kedai.api.cache import cache_answer, cached_answer
from kedai.api.cursor import cursor_make, cursor_read
from kedai.api.idempotency import render
from kedai.api.money import MoneyOut, money_out
from kedai.api.problems import Problem
from kedai.api.schemas import ERRORS, ProblemOut
from kedai.catalog import selectors
from kedai.catalog.models import Product

router = Router(tags=["storefront: catalogue"])
PAGE_SIZE = 24


class CategoryOut(Schema):
    id: int
    name: str
    slug: str
    parent_id: int | None
    depth: int


class ProductSummaryOut(Schema):
    id: int
    name: str
    slug: str
    price: MoneyOut | None
    price_max: MoneyOut | None
    in_stock: bool
    thumbnail: str | None
    category_id: int | None


class FacetCount(Schema):
    value: str
    label: str
    count: int


class FacetsOut(Schema):
    categories: list[FacetCount]
    in_stock: int
    price_min: MoneyOut | None
    price_max: MoneyOut | None


class ProductPageOut(Schema):
    items: list[ProductSummaryOut]
    total: int
    next_cursor: str | None
    corrected_query: str | None = None
    facets: FacetsOut | None = None


class ListingQuery(Schema):
    category: str | None = Field(
        None, max_length=140, description="A category slug (and those below it).")
    price_min: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    price_max: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    in_stock: bool = False
    sort: Literal["", "price", "-price", "newest", "name"] = ""
    cursor: str | None = Field(None, max_length=500)


class SearchQuery(ListingQuery):
    q: str = Field(..., min_length=1, max_length=200)
    sort: Literal["", "relevance", "price", "-price", "newest", "name"] = ""  # type: ignore[assignment]


def _cached(request, build: Callable[[], Schema | list]) -> HttpResponse:
    """The JSON of ``build()``, kept for the next identical request while
    the catalogue is unchanged (kedai.api.cache)."""
    hit = cached_answer(request)
    if hit is not None:
        return hit
    return cache_answer(request, render(200, build()).content)


def _media(path: str) -> str | None:
    return f"{settings.MEDIA_URL}{path}" if path else None


def _summary(product: Product) -> ProductSummaryOut:
    currency = settings.KEDAI_CURRENCY
    return ProductSummaryOut(
        id=product.pk, name=product.name, slug=product.slug,
        price=money_out(product.price, currency),
        price_max=money_out(product.price_max, currency),
        in_stock=product.in_stock, thumbnail=_media(product.thumbnail),
        category_id=product.category_id)


def _listing(query: ListingQuery, text: str, kind: str,
             facets: bool) -> ProductPageOut:
    nav = selectors.navigation_get()
    category_id = None
    if query.category:
        category_id = nav.by_slug.get(query.category)
        if category_id is None:
            raise Problem(404, "No category has this slug.", code="category")
    page = cursor_read(kind, query.cursor) or 1
    if not isinstance(page, int) or page < 1:
        raise Problem(400, "The cursor is not valid.", code="bad_cursor")
    params = selectors.ListingParams(
        text=text, category_id=category_id, price_min=query.price_min,
        price_max=query.price_max, in_stock=query.in_stock, sort=query.sort,
        page=page, per_page=PAGE_SIZE)
    found = selectors.product_listing(params, nav)
    out = ProductPageOut(
        items=[_summary(p) for p in found.products], total=found.total,
        next_cursor=cursor_make(kind, page + 1) if found.has_next else None,
        corrected_query=found.corrected_text)
    if facets:
        counted = selectors.product_facets(params, nav)
        currency = settings.KEDAI_CURRENCY
        out.facets = FacetsOut(
            categories=[FacetCount(value=nav.categories[i].slug,
                                   label=nav.categories[i].name, count=n)
                        for i, n in counted.categories if i in nav.categories],
            in_stock=counted.in_stock,
            price_min=money_out(counted.price_min, currency),
            price_max=money_out(counted.price_max, currency))
    return out


@router.get("/categories", response={200: list[CategoryOut], ERRORS: ProblemOut},
            summary="The category tree, depth-first")
def categories(request):
    nav = selectors.navigation_get()
    return _cached(request, lambda: [
        CategoryOut(id=n.id, name=n.name, slug=n.slug, parent_id=n.parent_id,
                    depth=n.depth).model_dump(mode="json") for n in nav.tree()])


@router.get("/products", response={200: ProductPageOut, ERRORS: ProblemOut},
            summary="Products, 24 a page, optionally of one category")
def products(request, query: Query[ListingQuery]):
    return _cached(request, lambda: _listing(query, "", "products", facets=False))


@router.get("/search", response={200: ProductPageOut, ERRORS: ProblemOut},
            summary="Search products with filters; answers with facets")
def search(request, query: Query[SearchQuery]):
    return _cached(request,
                   lambda: _listing(query, query.q, f"search:{query.q}", facets=True))


class VariantOut(Schema):
    id: int
    sku: str
    label: str
    options: list[str]
    price: MoneyOut
    compare_at_price: MoneyOut | None
    stock: int
    available: bool


class ImageOut(Schema):
    url: str
    thumbnail: str | None
    alt: str


class ProductOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    category: CategoryOut | None
    option_names: list[str]
    price: MoneyOut | None
    price_max: MoneyOut | None
    in_stock: bool
    variants: list[VariantOut]
    images: list[ImageOut]


def variant_out(v, currency: str) -> VariantOut:
    return VariantOut(
        id=v.pk, sku=v.sku, label=v.label,
        options=[o for o in (v.option1, v.option2, v.option3) if o],
        price=money_out(v.price, currency),
        compare_at_price=money_out(v.compare_at_price, currency),
        stock=v.stock, available=v.is_active and v.stock > 0)


@router.get("/products/{slug}", response={200: ProductOut, ERRORS: ProblemOut},
            summary="One product with its variants and stock")
def product(request, slug: str):
    return _cached(request, lambda: _product(slug))


def _product(slug: str) -> ProductOut:
    try:
        found = selectors.product_get(slug=slug)
    except Product.DoesNotExist:
        raise Problem(404, "No product has this slug.", code="product") from None
    currency = settings.KEDAI_CURRENCY
    nav = selectors.navigation_get()
    node = nav.categories.get(found.category_id) if found.category_id else None
    return ProductOut(
        id=found.pk, name=found.name, slug=found.slug,
        description=found.description,
        category=CategoryOut(id=node.id, name=node.name, slug=node.slug,
                             parent_id=node.parent_id, depth=node.depth)
        if node else None,
        option_names=found.option_names,
        price=money_out(found.price, currency),
        price_max=money_out(found.price_max, currency), in_stock=found.in_stock,
        variants=[variant_out(v, currency) for v in found.variants.all()],
        images=[ImageOut(url=i.image.url,
                         thumbnail=i.thumbnail.url if i.thumbnail else None,
                         alt=i.alt_text) for i in found.images.all()])
