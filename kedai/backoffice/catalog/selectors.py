"""Catalogue reads for the back office: the product list with its filters,
the category tree, the variants of a bulk edit."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from kedai.catalog.models import Category, Product, Variant

LOW_STOCK = 5


@dataclass(frozen=True)
class ProductFilters:
    text: str = ""
    category: Category | None = None
    status: str = ""  # "" (not archived), active, hidden, archived, all
    stock: str = ""  # "", out, low


def product_office_list(*, filters: ProductFilters) -> QuerySet[Product]:
    """Products matching the filters, with their variant count and stock,
    newest first. Archived products only when asked for."""
    products = Product.objects.select_related("category").annotate(
        variant_count=Count("variants"), stock_total=Sum("variants__stock"))
    text = filters.text.strip()
    if text:
        sku = Variant.objects.filter(product=OuterRef("pk"), sku__icontains=text)
        products = products.filter(Q(name__icontains=text) | Q(slug__icontains=text)
                                   | Exists(sku))
    if filters.category is not None:
        ids, frontier = [filters.category.pk], [filters.category.pk]
        while frontier:
            frontier = list(Category.objects.filter(parent_id__in=frontier)
                            .values_list("pk", flat=True))
            ids += frontier
        products = products.filter(category_id__in=ids)
    status = filters.status
    if status == "active":
        products = products.filter(is_active=True)
    elif status == "hidden":
        products = products.filter(is_active=False, archived_at__isnull=True)
    elif status == "archived":
        products = products.filter(archived_at__isnull=False)
    elif status != "all":
        products = products.filter(archived_at__isnull=True)
    if filters.stock == "out":
        products = products.exclude(Exists(Variant.objects.filter(
            product=OuterRef("pk"), is_active=True, stock__gt=0)))
    elif filters.stock == "low":
        products = products.filter(Exists(Variant.objects.filter(
            product=OuterRef("pk"), is_active=True, stock__lte=LOW_STOCK)))
    return products.order_by("-created_at", "-id")


def category_tree() -> list[tuple[Category, int]]:
    """Every category depth-first in its order, with its depth."""
    rows = list(Category.objects.annotate(product_count=Count("products"))
                .order_by("position", "name", "pk"))
    children: dict[int | None, list[Category]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    out: list[tuple[Category, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for node in children.get(parent, []):
            out.append((node, depth))
            walk(node.pk, depth + 1)

    walk(None, 0)
    return out


def variants_for_products(product_ids: list[int]) -> list[Variant]:
    """The variants of these products, product by product, for a bulk edit."""
    order = {pk: i for i, pk in enumerate(product_ids)}
    rows = list(Variant.objects.filter(product_id__in=product_ids)
                .select_related("product").order_by("position", "id"))
    return sorted(rows, key=lambda v: order[v.product_id])
