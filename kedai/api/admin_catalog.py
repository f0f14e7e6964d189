"""Admin API: products, variants and stock.

Writes go through the data importers (kedai.dataio.importers) as one-row
(or, for stock, many-row) sheets, so the API validates and applies exactly
as an uploaded spreadsheet does: same columns, same rules, one transaction,
nothing changed if any row is refused. Only the fields sent are changed.
"""

from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema

from kedai.api.cursor import page_by_id
from kedai.api.idempotency import idempotent
from kedai.api.keys import ApiKeyAuth, require
from kedai.api.money import MoneyOut, money_out
from kedai.api.problems import Problem
from kedai.api.schemas import ERRORS, ProblemOut
from kedai.catalog.editing import product_delete
from kedai.catalog.models import Product, Variant
from kedai.dataio.exceptions import DataError
from kedai.dataio.importers import upload_apply
from kedai.dataio.readers import Sheet

router = Router(tags=["admin: catalogue"], auth=ApiKeyAuth())


class AdminVariantOut(Schema):
    sku: str
    option1: str
    option2: str
    option3: str
    price: MoneyOut
    compare_at_price: MoneyOut | None
    stock: int
    weight_grams: int
    is_active: bool


class AdminProductOut(Schema):
    id: int
    slug: str
    name: str
    category: str | None
    description: str
    is_active: bool
    option_names: list[str]
    variants: list[AdminVariantOut]
    updated_at: str


class AdminProductPageOut(Schema):
    items: list[AdminProductOut]
    next_cursor: str | None


class ProductQuery(Schema):
    limit: int = Field(50, ge=1, le=100)
    cursor: str | None = Field(None, max_length=500)


class ProductIn(Schema):
    slug: str = Field(..., min_length=1, max_length=220)
    name: str = Field(..., min_length=1, max_length=200)
    category: str = Field(..., min_length=1, max_length=140,
                          description="The category's slug.")
    description: str | None = Field(None, max_length=50000)
    tax_class: str | None = Field(None, max_length=32)
    is_active: bool | None = None
    option1_name: str | None = Field(None, max_length=40)
    option2_name: str | None = Field(None, max_length=40)
    option3_name: str | None = Field(None, max_length=40)


class ProductPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    category: str | None = Field(None, min_length=1, max_length=140)
    description: str | None = Field(None, max_length=50000)
    tax_class: str | None = Field(None, max_length=32)
    is_active: bool | None = None
    option1_name: str | None = Field(None, max_length=40)
    option2_name: str | None = Field(None, max_length=40)
    option3_name: str | None = Field(None, max_length=40)


class VariantPatch(Schema):
    option1: str | None = Field(None, max_length=60)
    option2: str | None = Field(None, max_length=60)
    option3: str | None = Field(None, max_length=60)
    price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    compare_at_price: Decimal | None = Field(None, ge=0, max_digits=12,
                                             decimal_places=2)
    stock: int | None = Field(None, ge=0, le=10**9)
    weight_grams: int | None = Field(None, ge=0, le=10**7)
    is_active: bool | None = None


class VariantIn(VariantPatch):
    sku: str = Field(..., min_length=1, max_length=64)
    product: str = Field(..., min_length=1, max_length=220,
                         description="The product's slug.")
    price: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)  # type: ignore[assignment]


class StockItem(Schema):
    sku: str = Field(..., min_length=1, max_length=64)
    stock: int = Field(..., ge=0, le=10**9)


class StockIn(Schema):
    items: list[StockItem] = Field(..., min_length=1, max_length=5000)


class ProductRemovedOut(Schema):
    slug: str
    outcome: str = Field(..., description="deleted, or archived when orders "
                         "include the product")


class StockOut(Schema):
    updated: int
    unchanged: int


def _products():
    return (Product.objects.select_related("category")
            .prefetch_related(Prefetch("variants", Variant.objects.order_by(
                "position", "id"))))


def product_out(p: Product) -> AdminProductOut:
    c = settings.KEDAI_CURRENCY
    return AdminProductOut(
        id=p.pk, slug=p.slug, name=p.name,
        category=p.category.slug if p.category else None,
        description=p.description, is_active=p.is_active,
        option_names=p.option_names, updated_at=p.updated_at.isoformat(),
        variants=[AdminVariantOut(sku=v.sku, option1=v.option1, option2=v.option2,
                             option3=v.option3, price=money_out(v.price, c),
                             compare_at_price=money_out(v.compare_at_price, c),
                             stock=v.stock, weight_grams=v.weight_grams,
                             is_active=v.is_active) for v in p.variants.all()])


def _apply(kind: str, rows: list[dict], actor: str):
    """Apply ``rows`` (dicts of the importer's columns) as one upload."""
    headers = sorted({k for row in rows for k in row})
    sheet = Sheet(headers=headers, rows=[
        (number, tuple(row.get(h, "") for h in headers))
        for number, row in enumerate(rows, start=1)])
    try:
        return upload_apply(kind=kind, sheet=sheet, actor=actor)
    except DataError as exc:
        plan = exc.extra.get("plan") or {}
        raise Problem(422, exc.message, code=exc.code, errors=[
            {"field": f"row {e['row']}", "message": str(e["message"])}
            for e in plan.get("errors", [])]) from None


def _row(payload: Schema, **extra) -> dict:
    row = payload.model_dump(exclude_unset=True)
    row.update(extra)
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}


def _actor(request) -> str:
    return f"api:{request.auth.name}"


def _product(slug: str) -> Product:
    found = _products().filter(slug=slug).first()
    if found is None:
        raise Problem(404, "No product has this slug.", code="not_found")
    return found


@router.get("/products", response={200: AdminProductPageOut, ERRORS: ProblemOut},
            summary="All products (active or not) with variants, by id")
def product_list(request, query: Query[ProductQuery]):
    require(request, "catalog:read")
    page, next_cursor = page_by_id(_products(), kind="admin-products",
                                   cursor=query.cursor, limit=query.limit)
    return AdminProductPageOut(items=[product_out(p) for p in page],
                               next_cursor=next_cursor)


@router.get("/products/{slug}", response={200: AdminProductOut, ERRORS: ProblemOut},
            summary="One product with its variants and stock")
def product_detail(request, slug: str):
    require(request, "catalog:read")
    return product_out(_product(slug))


@router.post("/products", response={201: AdminProductOut, ERRORS: ProblemOut},
             summary="Create a product (add variants with POST /variants)")
def product_create(request, payload: ProductIn):
    key = require(request, "catalog:write")

    def create():
        if Product.objects.filter(slug=payload.slug).exists():
            raise Problem(409, "A product with this slug exists; PATCH it.",
                          code="exists")
        _apply("products", [_row(payload)], _actor(request))
        return 201, product_out(_product(payload.slug))

    return idempotent(request, scope=f"admin:{key.pk}:products", create=create)


@router.patch("/products/{slug}", response={200: AdminProductOut, ERRORS: ProblemOut},
              summary="Change the fields sent")
def product_update(request, slug: str, payload: ProductPatch):
    require(request, "catalog:write")
    _product(slug)
    _apply("products", [_row(payload, slug=slug)], _actor(request))
    return product_out(_product(slug))


@router.delete("/products/{slug}",
               response={200: ProductRemovedOut, ERRORS: ProblemOut},
               summary="Delete a product, or archive it when orders include it")
def product_remove(request, slug: str):
    """The back office's rule (kedai.catalog.editing.product_delete): a
    product on orders is archived, off the shop but kept for them."""
    require(request, "catalog:write")
    deleted = product_delete(product=_product(slug))
    return ProductRemovedOut(slug=slug,
                             outcome="deleted" if deleted else "archived")


@router.post("/variants", response={201: AdminProductOut, ERRORS: ProblemOut},
             summary="Create a variant (SKU) of a product; answers the product")
def variant_create(request, payload: VariantIn):
    key = require(request, "catalog:write")

    def create():
        if Variant.objects.filter(sku=payload.sku).exists():
            raise Problem(409, "A variant with this SKU exists; PATCH it.",
                          code="exists")
        _apply("variants", [_row(payload)], _actor(request))
        return 201, product_out(_product(payload.product))

    return idempotent(request, scope=f"admin:{key.pk}:variants", create=create)


@router.patch("/variants/{sku}", response={200: AdminProductOut, ERRORS: ProblemOut},
              summary="Change the fields sent of a variant")
def variant_update(request, sku: str, payload: VariantPatch):
    require(request, "catalog:write")
    variant = Variant.objects.select_related("product").filter(sku=sku).first()
    if variant is None:
        raise Problem(404, "No variant has this SKU.", code="not_found")
    _apply("variants", [_row(payload, sku=sku, product=variant.product.slug)],
           _actor(request))
    return product_out(_product(variant.product.slug))


@router.post("/stock", response={200: StockOut, ERRORS: ProblemOut},
             summary="Set stock counts by SKU, all or none")
def stock_bulk(request, payload: StockIn):
    require(request, "catalog:write")
    plan = _apply("stock", [{"sku": i.sku, "stock": i.stock} for i in payload.items],
                  _actor(request))
    report = plan.report()
    return StockOut(updated=report["updates"], unchanged=report["unchanged"])
