"""Migrating merchants: Shopify and WooCommerce product CSVs, both ways.

Both platforms write *several rows per product* (variants and images share
a Shopify handle or point at a WooCommerce parent), so these readers group
rows into product records and plan them like any other upload (dry run,
row numbers, all-or-nothing). Formats: Shopify Help "Using CSV files to
import and export products" (current and legacy header dialects, mapped
by :data:`SHOPIFY_ALIASES`) and the WooCommerce Product CSV Import Schema.

Images: product image URLs are **skipped**, never fetched during an
upload (a ProductImage needs the file itself); the preview says how many
were left behind so the owner can add the pictures in the admin.
Categories named in the file (``A > B`` paths) are created when missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Min
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kedai.catalog.models import Category, Product, Variant
from kedai.dataio.exceptions import DataError
from kedai.dataio.importers import Change, Importer, Plan, Progress
from kedai.dataio.readers import Sheet, int_value, money_value, text_value


@dataclass
class VariantRecord:
    row: int
    sku: str
    options: list[str]
    price: Any
    compare_at_price: Any = None
    stock: int = 0
    weight_grams: int = 0


@dataclass
class ProductRecord:
    row: int
    slug: str
    name: str = ""
    description: str = ""
    category_path: list[str] = field(default_factory=list)
    is_active: bool = True
    option_names: list[str] = field(default_factory=lambda: ["", "", ""])
    variants: list[VariantRecord] = field(default_factory=list)
    images: int = 0
    failed: bool = False  # a variant row had an error (already reported)


# --- Shopify ---------------------------------------------------------------------

# Canonical field: header names in either dialect (compared case-folded).
SHOPIFY_ALIASES = {
    "handle": ["url handle", "handle"],
    "title": ["title"],
    "description": ["description", "body (html)"],
    "category": ["product category", "standard product type"],
    "type": ["type", "custom product type"],
    "published": ["published on online store", "published"],
    "status": ["status"],
    "sku": ["sku", "variant sku"],
    "option1_name": ["option1 name"], "option1_value": ["option1 value"],
    "option2_name": ["option2 name"], "option2_value": ["option2 value"],
    "option3_name": ["option3 name"], "option3_value": ["option3 value"],
    "price": ["price", "variant price"],
    "compare_at_price": ["compare-at price", "variant compare at price"],
    "stock": ["inventory quantity", "variant inventory qty"],
    "grams": ["weight value (grams)", "variant grams"],
    "image": ["product image url", "image src"],
    "variant_image": ["variant image url", "variant image"],
}

SHOPIFY_HEADER = [
    "Title", "URL handle", "Description", "Vendor", "Product category", "Type",
    "Tags", "Published on online store", "Status", "SKU", "Barcode",
    "Option1 name", "Option1 value", "Option1 Linked To", "Option2 name",
    "Option2 value", "Option2 Linked To", "Option3 name", "Option3 value",
    "Option3 Linked To", "Price", "Compare-at price", "Cost per item",
    "Charge tax", "Tax code", "Unit price total measure",
    "Unit price total measure unit", "Unit price base measure",
    "Unit price base measure unit", "Inventory tracker", "Inventory quantity",
    "Continue selling when out of stock", "Weight value (grams)",
    "Weight unit for display", "Requires shipping", "Fulfillment service",
    "Product image URL", "Image position", "Image alt text", "Variant image URL",
    "Gift card", "SEO title", "SEO description",
]


def _alias_map(headers: Iterable[str], aliases: dict[str, list[str]]) \
        -> tuple[dict[str, str], list[str]]:
    """Header -> canonical name, and the headers left behind."""
    folded = {h.strip().casefold(): h for h in headers if h}
    found: dict[str, str] = {}
    for canon, names in aliases.items():
        for name in names:
            if name in folded and folded[name] not in found:
                found[folded[name]] = canon
                break
    return found, [h for h in headers if h and h not in found]


class _CatalogMigrator(Importer):
    """Plans product records from another platform's file."""

    def records(self, sheet: Sheet, plan: Plan) -> list[ProductRecord]:
        raise NotImplementedError

    def plan(self, sheet: Sheet, progress: Progress = None) -> Plan:
        plan = Plan(kind=self.kind, total=len(sheet.rows))
        records = self.records(sheet, plan)
        images = sum(r.images for r in records)
        if images:
            plan.notes.append(_("%(count)s image URL(s) were skipped: add the "
                                "pictures in the admin.") % {"count": images})
        if plan.unknown_columns:
            plan.notes.append(_("%(count)s column(s) will be left behind: "
                                "%(names)s.") % {"count": len(plan.unknown_columns),
                                                 "names": ", ".join(
                                                     plan.unknown_columns)})
        slugs = {r.slug for r in records}
        products = {p.slug: p for p in Product.objects.filter(slug__in=slugs)}
        skus = [v.sku for r in records for v in r.variants]
        variants = {v.sku: v for v in Variant.objects.filter(sku__in=skus)
                    .select_related("product")}
        seen: dict[str, int] = {}
        for record in records:
            product = products.get(record.slug)
            if product is None and not record.name:
                plan.errors.append((record.row, _("A new product needs a title.")))
                continue
            if not record.variants:
                if not record.failed:
                    plan.errors.append((record.row, _("The product has no "
                                                      "variant row with a price.")))
                continue
            change = Change(record.row, record.slug,
                            "create" if product is None else "update")
            for name, old, new in [
                ("name", getattr(product, "name", None), record.name or None),
                ("description", getattr(product, "description", None),
                 record.description),
                ("category", None if product is None else None,
                 " > ".join(record.category_path) if product is None else None),
                ("is_active", getattr(product, "is_active", None), record.is_active),
            ]:
                if new is not None and old != new:
                    change.fields[name] = [old, new]
            if change.fields:
                plan.changes.append(change)
            for variant in record.variants:
                if variant.sku.lower() in seen:
                    plan.errors.append((variant.row, _(
                        "SKU “%(sku)s” appears again (first on row %(row)s).")
                        % {"sku": variant.sku, "row": seen[variant.sku.lower()]}))
                    continue
                seen[variant.sku.lower()] = variant.row
                current = variants.get(variant.sku)
                if current is not None and current.product.slug != record.slug:
                    plan.errors.append((variant.row, _(
                        "SKU “%(sku)s” belongs to another product (%(slug)s).")
                        % {"sku": variant.sku, "slug": current.product.slug}))
                    continue
                vchange = Change(variant.row, variant.sku,
                                 "create" if current is None else "update")
                for name, new in [("price", variant.price),
                                  ("compare_at_price", variant.compare_at_price),
                                  ("stock", variant.stock),
                                  ("weight_grams", variant.weight_grams),
                                  ("options", " / ".join(o for o in variant.options
                                                         if o))]:
                    old = None if current is None else (
                        current.label if name == "options" else getattr(current, name))
                    if old != new:
                        vchange.fields[name] = [old, new]
                if vchange.fields:
                    plan.changes.append(vchange)
        plan.work["records"] = records
        if progress:
            progress(plan.total)
        plan.errors.sort()
        return plan

    def apply(self, plan: Plan, *, actor: str) -> None:
        from kedai.catalog.services import catalog_changed, product_refresh

        touched = []
        for record in plan.work["records"]:
            product = Product.objects.filter(slug=record.slug).first()
            if product is None:
                product = Product.objects.create(
                    slug=record.slug, name=record.name,
                    description=record.description, is_active=record.is_active,
                    category=_category_path(record.category_path),
                    option1_name=record.option_names[0],
                    option2_name=record.option_names[1],
                    option3_name=record.option_names[2])
            else:
                if record.name:
                    product.name = record.name
                product.description = record.description
                product.is_active = record.is_active
                product.save()
            touched.append(product.pk)
            start = Variant.objects.filter(product=product).aggregate(
                p=Min("position"))["p"] or 0
            for position, v in enumerate(record.variants, start=start):
                Variant.objects.update_or_create(sku=v.sku, defaults={
                    "product": product, "option1": v.options[0],
                    "option2": v.options[1], "option3": v.options[2],
                    "price": v.price, "compare_at_price": v.compare_at_price,
                    "stock": v.stock, "weight_grams": v.weight_grams,
                }, create_defaults={
                    "product": product, "option1": v.options[0],
                    "option2": v.options[1], "option3": v.options[2],
                    "price": v.price, "compare_at_price": v.compare_at_price,
                    "stock": v.stock, "weight_grams": v.weight_grams,
                    "position": position})
        product_refresh(product_ids=touched)
        catalog_changed()


def _category_path(path: list[str]) -> Category:
    """The category at ``A > B`` (created, with its parents, if missing)."""
    parent = None
    for name in path or [_("Imported")]:
        slug = slugify(name)[:140] or "category"
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            category = Category.objects.create(name=name[:120], slug=slug,
                                               parent=parent)
        parent = category
    assert parent is not None
    return parent


def _row_value(values: dict, mapping: dict, canon: str) -> str:
    for header, name in mapping.items():
        if name == canon:
            return text_value(values.get(header))
    return ""


def _parse_variant(plan: Plan, number: int, sku: str, options: list[str],
                   price: str, compare: str, stock: str, grams: str) \
        -> VariantRecord | None:
    errors = []
    values: dict[str, Any] = {}
    for name, raw, parse in [("price", price, money_value),
                             ("compare_at_price", compare, money_value),
                             ("stock", stock, int_value),
                             ("weight_grams", grams, int_value)]:
        if raw == "":
            if name == "price":
                errors.append(_("“price” is blank."))
            values[name] = None if name == "compare_at_price" else 0
            continue
        try:
            values[name] = parse(raw, name)
        except ValueError as exc:
            errors.append(str(exc))
    plan.errors.extend((number, e) for e in errors)
    if errors:
        return None
    return VariantRecord(row=number, sku=sku, options=options, **values)


class ShopifyProductImporter(_CatalogMigrator):
    kind = "shopify"
    label = gettext_lazy("Shopify product CSV")

    def records(self, sheet: Sheet, plan: Plan) -> list[ProductRecord]:
        mapping, plan.unknown_columns = _alias_map(sheet.headers, SHOPIFY_ALIASES)
        canon = set(mapping.values())
        if "handle" not in canon or "title" not in canon:
            raise DataError(_("This is not a Shopify product CSV: the columns "
                              "“URL handle” (or “Handle”) and “Title” are missing."),
                            code="headers")
        records: dict[str, ProductRecord] = {}
        for number, values in sheet.records():
            def get(name: str, values: dict = values) -> str:
                return _row_value(values, mapping, name)
            handle = get("handle")
            if not handle:
                plan.errors.append((number, _("“URL handle” is blank.")))
                continue
            slug = slugify(handle)[:220]
            record = records.get(slug)
            if record is None:
                category = get("category") or get("type")
                status = get("status").lower()
                published = get("published").lower()
                record = records[slug] = ProductRecord(
                    row=number, slug=slug, name=get("title"),
                    description=get("description"),
                    category_path=[p.strip() for p in category.split(">")
                                   if p.strip()][-2:],
                    is_active=status in ("", "active")
                    and published not in ("false", "0", "no"),
                    option_names=[get(f"option{i}_name") for i in (1, 2, 3)])
                if record.option_names[0] == "Title":
                    record.option_names = ["", "", ""]
            if get("image"):
                record.images += 1
            if get("variant_image"):
                record.images += 1
            options = [get(f"option{i}_value") for i in (1, 2, 3)]
            if options[0] == "Default Title":
                options[0] = ""
            if not get("price") and not get("sku") and not any(options):
                continue  # an image row
            sku = get("sku") or f"{slug}-{len(record.variants) + 1}"[:64]
            variant = _parse_variant(plan, number, sku, options, get("price"),
                                     get("compare_at_price"), get("stock"),
                                     get("grams"))
            if variant:
                record.variants.append(variant)
            else:
                record.failed = True
        return list(records.values())


# --- WooCommerce ---------------------------------------------------------------------

WOO_ALIASES = {
    "id": ["id"], "type": ["type"], "sku": ["sku"], "name": ["name"],
    "published": ["published"], "short_description": ["short description"],
    "description": ["description"], "stock": ["stock"],
    "sale_price": ["sale price"], "regular_price": ["regular price"],
    "categories": ["categories"], "images": ["images"], "parent": ["parent"],
}
WEIGHT_UNITS = {"kg": Decimal("1000"), "g": Decimal("1"), "lbs": Decimal("453.592"),
                "oz": Decimal("28.3495")}
_ATTRIBUTE = re.compile(r"^attribute (\d+) (name|value\(s\))$")


class WooCommerceProductImporter(_CatalogMigrator):
    kind = "woocommerce"
    label = gettext_lazy("WooCommerce product CSV")

    def records(self, sheet: Sheet, plan: Plan) -> list[ProductRecord]:
        mapping, left = _alias_map(sheet.headers, WOO_ALIASES)
        weight_header, weight_factor = "", Decimal("1000")
        attributes: dict[str, tuple[int, str]] = {}
        for header in list(left):
            folded = header.strip().casefold()
            unit = re.fullmatch(r"weight \((kg|g|lbs|oz)\)", folded)
            if unit:
                weight_header, weight_factor = header, WEIGHT_UNITS[unit[1]]
                left.remove(header)
            elif match := _ATTRIBUTE.match(folded):
                attributes[header] = (int(match[1]), match[2])
                left.remove(header)
        plan.unknown_columns = left
        if not {"type", "name"} <= set(mapping.values()):
            raise DataError(_("This is not a WooCommerce product CSV: the columns "
                              "“Type” and “Name” are missing."), code="headers")
        records: list[ProductRecord] = []
        parents: dict[str, ProductRecord] = {}
        for number, values in sheet.records():
            def get(name: str, values: dict = values) -> str:
                return _row_value(values, mapping, name)
            kinds = {k.strip() for k in get("type").lower().split(",")}
            attrs: dict[int, dict[str, str]] = {}
            for header, (index, part) in attributes.items():
                attrs.setdefault(index, {})[part] = text_value(values.get(header))
            names = [attrs.get(i, {}).get("name", "") for i in (1, 2, 3)]
            grams = ""
            if weight_header and text_value(values.get(weight_header)):
                try:
                    weight = Decimal(text_value(values.get(weight_header)))
                    grams = str(int((weight * weight_factor).to_integral_value()))
                except ArithmeticError:
                    plan.errors.append((number, _("Weight is not a number.")))
                    continue
            price = get("sale_price") or get("regular_price")
            compare = get("regular_price") if get("sale_price") else ""
            if "variation" in kinds:
                parent_ref = get("parent")
                parent = parents.get(parent_ref) or parents.get(
                    parent_ref.removeprefix("id:"))
                if parent is None:
                    plan.errors.append((number, _("Parent “%(parent)s” is not a "
                                                  "variable product in this file.")
                                        % {"parent": parent_ref}))
                    continue
                options = [attrs.get(i, {}).get("value(s)", "") for i in (1, 2, 3)]
                sku = get("sku") or f"{parent.slug}-{len(parent.variants) + 1}"[:64]
                variant = _parse_variant(plan, number, sku, options, price, compare,
                                         get("stock"), grams)
                if variant:
                    parent.variants.append(variant)
                else:
                    parent.failed = True
                continue
            if not kinds & {"simple", "variable"}:
                plan.errors.append((number, _("Product type “%(type)s” is not "
                                              "supported (simple, variable, "
                                              "variation).") % {"type": get("type")}))
                continue
            name = get("name")
            slug = slugify(get("sku") or name)[:220] or f"product-{number}"
            categories = get("categories").split(",")[0]
            record = ProductRecord(
                row=number, slug=slug, name=name,
                description=get("description") or get("short_description"),
                category_path=[p.strip() for p in categories.split(">")
                               if p.strip()][-2:],
                is_active=get("published") in ("1", ""),
                option_names=names if "variable" in kinds else ["", "", ""],
                images=len([u for u in get("images").split(",") if u.strip()]))
            records.append(record)
            if "variable" in kinds:
                for ref in (get("id"), get("sku")):
                    if ref:
                        parents[ref] = record
            else:
                variant = _parse_variant(plan, number, get("sku") or slug,
                                         ["", "", ""], price, compare,
                                         get("stock"), grams)
                if variant:
                    record.variants.append(variant)
                else:
                    record.failed = True
        return records


MIGRATORS: dict[str, Importer] = {i.kind: i for i in [
    ShopifyProductImporter(), WooCommerceProductImporter()]}


# --- Shopify export ---------------------------------------------------------

def shopify_rows(*, image_base_url: str) -> Iterator[list[object]]:
    """Products in Shopify's current CSV dialect: header, then one row per
    variant (product fields on the first) and one per further image."""
    yield list(SHOPIFY_HEADER)
    index = {name: i for i, name in enumerate(SHOPIFY_HEADER)}
    products = Product.objects.select_related("category").prefetch_related(
        "variants", "images").order_by("pk")
    for product in products.iterator(chunk_size=500):
        images = list(product.images.all())
        for position, variant in enumerate(product.variants.all()):
            row: list[object] = [""] * len(SHOPIFY_HEADER)

            def put(name: str, value: object, row: list = row) -> None:
                row[index[name]] = value
            put("URL handle", product.slug)
            if position == 0:
                put("Title", product.name)
                put("Description", product.description)
                put("Type", product.category.name)
                put("Published on online store",
                    "TRUE" if product.is_active else "FALSE")
                put("Status", "active" if product.is_active else "draft")
                if images:
                    put("Product image URL", image_base_url + images[0].image.url)
                    put("Image position", 1)
                    put("Image alt text", images[0].alt_text)
            names = product.option_names or ["Title"]
            values = [variant.option1, variant.option2, variant.option3]
            if not product.option_names:
                values = ["Default Title", "", ""]
            for i, name in enumerate(names[:3], start=1):
                if position == 0:
                    put(f"Option{i} name", name)
                put(f"Option{i} value", values[i - 1])
            put("SKU", variant.sku)
            put("Price", variant.price)
            put("Compare-at price", variant.compare_at_price or "")
            put("Charge tax", "TRUE" if product.tax_class_id else "FALSE")
            put("Inventory tracker", "shopify")
            put("Inventory quantity", variant.stock)
            put("Continue selling when out of stock", "deny")
            put("Weight value (grams)", variant.weight_grams)
            put("Weight unit for display", "g")
            put("Requires shipping", "TRUE")
            put("Fulfillment service", "manual")
            put("Gift card", "FALSE")
            yield row
        for position, image in enumerate(images[1:], start=2):
            row = [""] * len(SHOPIFY_HEADER)
            row[index["URL handle"]] = product.slug
            row[index["Product image URL"]] = image_base_url + image.image.url
            row[index["Image position"]] = position
            row[index["Image alt text"]] = image.alt_text
            yield row
