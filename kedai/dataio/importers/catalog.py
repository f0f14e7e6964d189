"""Uploads of the catalogue: products, variants and stock, categories."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kedai.catalog.models import Category, Product, TaxClass, Variant
from kedai.dataio.exceptions import DataError
from kedai.dataio.importers.base import (
    FieldImporter,
    Plan,
    apply_fields,
    with_ctx,
)
from kedai.dataio.readers import (
    bool_value,
    decimal_value,
    int_value,
    money_value,
    text_value,
)

# --- Products --------------------------------------------------------------

@with_ctx
def _category_ref(value: Any, column: str, ctx: dict) -> int:
    slug = text_value(value)
    if slug not in ctx["categories"]:
        raise ValueError(_("Category “%(slug)s” does not exist; upload categories "
                           "first.") % {"slug": slug})
    return ctx["categories"][slug]


@with_ctx
def _tax_ref(value: Any, column: str, ctx: dict) -> int:
    code = text_value(value)
    if code not in ctx["tax_classes"]:
        raise ValueError(_("Tax class “%(code)s” does not exist.") % {"code": code})
    return ctx["tax_classes"][code]


class ProductImporter(FieldImporter):
    kind = "products"
    label = gettext_lazy("Products")
    key = "slug"
    model = Product
    columns = ("slug", "name", "category", "description", "tax_class", "is_active",
               "option1_name", "option2_name", "option3_name")
    readonly = ("created_at",)
    required = ("name", "category")
    parsers = {"category": _category_ref, "tax_class": _tax_ref,
               "is_active": bool_value}

    def attr(self, column: str) -> str:
        return {"category": "category_id", "tax_class": "tax_class_id"}.get(column,
                                                                            column)

    def blank(self, column: str) -> Any:
        return None if column == "tax_class" else True if column == "is_active" \
            else ""

    def lookups(self, plan: Plan, chunk: list) -> dict:
        return {"categories": dict(Category.objects.values_list("slug", "pk")),
                "tax_classes": dict(TaxClass.objects.values_list("code", "pk"))}

    def change_for(self, number, key, parsed, current, ctx, errors):
        if current is None and not _slug_ok(key):
            errors.append(_("“%(slug)s” is not a valid slug (letters, digits, "
                            "hyphens).") % {"slug": key})
            return None
        return super().change_for(number, key, parsed, current, ctx, errors)

    def apply(self, plan: Plan, *, actor: str) -> None:
        apply_fields(self, plan)
        from kedai.catalog.services import catalog_changed, product_refresh

        product_refresh(product_ids=Product.objects.filter(
            slug__in=[c.key for c in plan.changes]).values_list("pk", flat=True))
        catalog_changed()  # names and visibility show on every listing


def _slug_ok(value: str) -> bool:
    return bool(value) and slugify(value) == value




# --- Variants and stock --------------------------------------------------------

def _weight(value: Any, column: str) -> int:
    return int_value(value, column)


class VariantImporter(FieldImporter):
    kind = "variants"
    label = gettext_lazy("Variants: prices, stock, options")
    key = "sku"
    model = Variant
    columns: tuple[str, ...] = (
        "sku", "product", "option1", "option2", "option3", "price",
        "compare_at_price", "stock", "weight_grams", "length_cm", "width_cm",
        "height_cm", "is_active", "position")
    readonly: tuple[str, ...] = ("product_name", "stock_exported")
    required: tuple[str, ...] = ("product", "price")
    parsers = {
        "price": money_value, "compare_at_price": money_value,
        "stock": int_value, "weight_grams": _weight, "position": int_value,
        "length_cm": decimal_value, "width_cm": decimal_value,
        "height_cm": decimal_value, "is_active": bool_value,
    }

    def blank(self, column: str) -> Any:
        if column == "compare_at_price":
            return None
        if column in ("stock", "weight_grams", "position"):
            return 0
        if column.endswith("_cm"):
            return decimal_value("0", column)
        if column == "is_active":
            return True
        return ""

    def lookups(self, plan: Plan, chunk: list) -> dict:
        slugs = {text_value(v.get("product")) for _n, _k, v in chunk}
        return {"products": dict(Product.objects.filter(slug__in=slugs)
                                 .values_list("slug", "pk"))}

    def parse(self, values, present, ctx, errors):
        parsed = super().parse(values, present, ctx, errors)
        if "stock_exported" in present and text_value(values.get("stock_exported")):
            try:
                parsed["stock_exported"] = int_value(values["stock_exported"],
                                                     "stock_exported")
            except ValueError as exc:
                errors.append(str(exc))
        return parsed

    def change_for(self, number, key, parsed, current, ctx, errors):
        exported = parsed.pop("stock_exported", None)
        stock = parsed.pop("stock", None)
        slug = parsed.pop("product", None)
        if current is None:
            if slug not in ctx["products"]:
                errors.append(_("Product “%(slug)s” does not exist; upload "
                                "products first.") % {"slug": slug})
                return None
            change = super().change_for(number, key, parsed, None, ctx, errors)
            assert change is not None
            change.fields["product"] = [None, ctx["products"][slug]]
            change.fields["stock"] = [None, stock or 0]
            return change
        change = super().change_for(number, key, parsed, current, ctx, errors)
        assert change is not None
        if stock is not None:
            now = current["stock"]
            if exported is not None:
                delta = stock - exported
                if delta and now + delta < 0:
                    errors.append(_(
                        "Stock changed since export: %(now)s now, %(exported)s "
                        "when downloaded; %(delta)+d would go below zero.")
                        % {"now": now, "exported": exported, "delta": delta})
                    return None
            else:
                delta = stock - now
            if delta:
                change.fields["stock"] = [now, now + delta]
                plan_stock = change.fields.setdefault("_stock", [None, None])
                plan_stock[1] = {"delta": delta, "seen": now,
                                 "absolute": exported is None}
        return change

    def attr(self, column: str) -> str:
        return "product_id" if column == "product" else column

    def apply(self, plan: Plan, *, actor: str) -> None:
        stock_moves = []
        for change in plan.changes:
            move = change.fields.pop("_stock", None)
            if move:
                change.fields.pop("stock")
                stock_moves.append((change, move[1]))
        apply_fields(self, plan)
        deltas: dict[int, list[str]] = defaultdict(list)
        for change, move in stock_moves:
            if move["absolute"]:
                # Written only if nothing sold since the preview's read.
                done = Variant.objects.filter(sku=change.key, stock=move["seen"]) \
                    .update(stock=move["seen"] + move["delta"])
                if not done:
                    raise DataError(_("Row %(row)s: stock changed since export; "
                                      "download again.") % {"row": change.row},
                                    code="stock")
            else:
                deltas[move["delta"]].append(change.key)
        for delta, skus in deltas.items():
            for start in range(0, len(skus), 500):
                part = skus[start:start + 500]
                done = Variant.objects.filter(sku__in=part, stock__gte=-delta) \
                    .update(stock=F("stock") + delta)
                if done != len(part):
                    raise DataError(_("Stock changed since export: a sale "
                                      "would make stock negative. Download again."),
                                    code="stock")
        from kedai.catalog.services import product_refresh

        product_refresh(product_ids=Variant.objects.filter(
            sku__in=[c.key for c in plan.changes]).values_list("product_id",
                                                               flat=True).distinct())


class StockImporter(VariantImporter):
    """The stock sheet: SKU, stock and stock as exported."""

    kind = "stock"
    label = gettext_lazy("Stock")
    columns: tuple[str, ...] = ("sku", "stock")
    readonly: tuple[str, ...] = ("product_name", "option1", "option2", "option3",
                                 "stock_exported")
    required: tuple[str, ...] = ()


# --- Categories -----------------------------------------------------------------

class CategoryImporter(FieldImporter):
    kind = "categories"
    label = gettext_lazy("Categories")
    key = "slug"
    model = Category
    columns = ("slug", "name", "parent", "description", "position", "is_active")
    required = ("name",)
    parsers = {"position": int_value, "is_active": bool_value}

    def blank(self, column: str) -> Any:
        return 0 if column == "position" else True if column == "is_active" \
            else None if column == "parent" else ""

    def existing(self, keys):
        rows = Category.objects.filter(slug__in=keys).values(
            "slug", "name", "parent__slug", "description", "position", "is_active")
        return {r["slug"]: {**r, "parent": r["parent__slug"]} for r in rows}

    def lookups(self, plan, chunk):
        known = plan.work.setdefault("slugs", set(
            Category.objects.values_list("slug", flat=True)))
        return {"known": known}

    def change_for(self, number, key, parsed, current, ctx, errors):
        parent = parsed.get("parent")
        if current is None and not _slug_ok(key):
            errors.append(_("“%(slug)s” is not a valid slug (letters, digits, "
                            "hyphens).") % {"slug": key})
            return None
        if parent == key:
            errors.append(_("A category cannot be placed under itself."))
            return None
        if parent and parent not in ctx["known"]:
            errors.append(_("Parent category “%(slug)s” does not exist (put it on "
                            "an earlier row).") % {"slug": parent})
            return None
        ctx["known"].add(key)
        return super().change_for(number, key, parsed, current, ctx, errors)

    def apply(self, plan: Plan, *, actor: str) -> None:
        ids = dict(Category.objects.values_list("slug", "pk"))
        for change in plan.changes:  # file order: parents before children
            values = {k: new for k, (_o, new) in change.fields.items()}
            if "parent" in values:
                values["parent_id"] = ids[values.pop("parent")] \
                    if values["parent"] else None
            if change.action == "create":
                category = Category.objects.create(**values)
                ids[category.slug] = category.pk
            else:
                Category.objects.filter(slug=change.key).update(
                    **values, updated_at=timezone.now())
        parents: dict[int, int | None] = dict(
            Category.objects.values_list("pk", "parent_id"))
        for start in parents:
            node, seen = parents[start], {start}
            while node is not None:
                if node in seen:
                    raise DataError(_("The upload would put a category under "
                                      "itself."), code="cycle")
                seen.add(node)
                node = parents[node]
        from kedai.catalog.services import catalog_changed

        catalog_changed()


