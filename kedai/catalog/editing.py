"""Catalogue edits: products with options and variants, as the back office
(and any other interface) makes them; their pictures are edited in
picture_editing, categories and tax classes in category_editing.

Every function here is a service: it checks the rules, writes in one
transaction, refreshes listing summaries and the search index
(:func:`kedai.catalog.services.product_refresh`) and retires cached
storefront pages after commit (``catalog_changed``). Input arrives already
parsed (forms, API schemas); the rules that need the database or span
rows live here, once, and raise :class:`CatalogError` naming the field.

Stock is never overwritten blindly: a write names the count it was based
on (``stock_seen``) and is refused when a sale changed it meanwhile.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import ForeignObjectRel, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kedai.catalog.images import ImageProcessingError
from kedai.catalog.models import Product, ProductImage, Variant
from kedai.catalog.services import (
    catalog_changed,
    product_image_make_thumbnail,
    product_refresh,
    product_removed,
)
from kedai.core.exceptions import ApplicationError

MAX_OPTIONS = 3
MAX_VARIANTS = 100  # per product: a grid anyone can still read and check
MAX_IMAGES = 20  # per product
# Apps whose rows vanish with a variant without loss: a cart line is a
# shopper's scratch list, the catalogue is the variant's own.
_DISPOSABLE_APPS = {"catalog", "cart"}


class CatalogError(ApplicationError):
    """A catalogue edit was refused; ``field`` names the input at fault
    (``None``: the whole form) and ``row`` the grid row, if any."""

    def __init__(self, message: str, *, field: str | None = None,
                 row: int | None = None, code: str = "invalid"):
        super().__init__(message, code=code, extra={"field": field, "row": row})
        self.field = field
        self.row = row


@dataclass(frozen=True)
class VariantDefaults:
    """What generated variants start with; the grid changes them after."""

    price: Decimal
    compare_at_price: Decimal | None = None
    stock: int = 0
    weight_grams: int = 0
    sku_prefix: str = ""


@dataclass(frozen=True)
class StockPrice:
    """One row of a bulk edit: a variant's new price and stock, and the
    stock the owner saw when the page was shown."""

    variant_id: int
    price: Decimal
    stock: int
    stock_seen: int


# --- options and generated variants --------------------------------------------


def option_values_parse(text: str) -> list[str]:
    """``"S, M, L"`` (commas or new lines) -> ``["S", "M", "L"]``, blanks
    dropped, order kept."""
    parts = (p.strip() for p in text.replace("\n", ",").split(","))
    return [p for p in parts if p]


def option_values_check(values: Sequence[Sequence[str]]) -> None:
    """Refuse unusable option values: each named option needs at least one
    value, values are at most 60 characters and not repeated, and the
    combinations stay within ``MAX_VARIANTS``."""
    if len(values) > MAX_OPTIONS:
        raise CatalogError(_("A product has at most three options."))
    for index, vals in enumerate(values, start=1):
        field = f"option{index}_values"
        if not vals:
            raise CatalogError(_("Give at least one value, e.g. S, M, L."),
                               field=field)
        for value in vals:
            if len(value) > 60:
                raise CatalogError(_("“%(value)s…” is longer than 60 characters.")
                                   % {"value": value[:20]}, field=field)
        seen = [v.casefold() for v in vals]
        if len(set(seen)) != len(seen):
            raise CatalogError(_("A value is listed twice."), field=field)
    count = 1
    for vals in values:
        count *= len(vals)
    if values and count > MAX_VARIANTS:
        raise CatalogError(
            _("These options make %(count)s variants; at most %(max)s are "
              "allowed per product.") % {"count": count, "max": MAX_VARIANTS},
            code="too_many")


def variant_combinations(values: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """Every combination of the option values, first option slowest:
    ``[[S, M], [Red, Blue]]`` -> ``(S, Red), (S, Blue), (M, Red), (M, Blue)``."""
    option_values_check(values)
    if not values:
        return [()]
    return list(itertools.product(*values))


def _sku_part(value: str) -> str:
    return slugify(value).upper().replace("_", "-") or "X"


def variant_sku_for(prefix: str, combination: Sequence[str]) -> str:
    """The SKU a generated variant gets: ``BATIK-M-BLUE`` (at most 64)."""
    parts = [prefix.strip().upper() or "SKU"] + [_sku_part(v) for v in combination]
    return "-".join(parts)[:64]


def _pad(combination: Sequence[str]) -> tuple[str, str, str]:
    values = list(combination) + ["", "", ""]
    return values[0], values[1], values[2]


def _variants_generate(*, product: Product, values: Sequence[Sequence[str]],
                       defaults: VariantDefaults) -> list[Variant]:
    existing = {(v.option1, v.option2, v.option3): v
                for v in Variant.objects.filter(product=product)}
    new = [c for c in variant_combinations(values) if _pad(c) not in existing]
    if len(existing) + len(new) > MAX_VARIANTS:
        raise CatalogError(
            _("The product would have %(count)s variants; at most %(max)s are "
              "allowed.") % {"count": len(existing) + len(new), "max": MAX_VARIANTS},
            code="too_many")
    prefix = defaults.sku_prefix or product.slug
    skus = [variant_sku_for(prefix, c) for c in new]
    taken = set(Variant.objects.filter(sku__in=skus).values_list("sku", flat=True))
    if taken or len(set(skus)) != len(skus):
        clash = sorted(taken) or [s for s in skus if skus.count(s) > 1]
        raise CatalogError(
            _("SKU %(sku)s is already used; choose another SKU prefix.")
            % {"sku": clash[0]}, field="sku_prefix", code="duplicate_sku")
    start = max((v.position for v in existing.values()), default=-1) + 1
    made = [Variant(product=product, sku=sku, option1=o1, option2=o2, option3=o3,
                    price=defaults.price,
                    compare_at_price=defaults.compare_at_price,
                    stock=defaults.stock, weight_grams=defaults.weight_grams,
                    position=start + i)
            for i, (sku, (o1, o2, o3)) in enumerate(
                zip(skus, (_pad(c) for c in new), strict=True))]
    for variant in made:
        variant.full_clean(exclude=["product"])
    Variant.objects.bulk_create(made)
    return made


def _option_names_check(product: Product, values: Sequence[Sequence[str]]) -> None:
    names = [product.option1_name, product.option2_name, product.option3_name]
    for index, name in enumerate(names, start=1):
        if index <= len(values) and not name:
            raise CatalogError(_("Name this option, e.g. Size."),
                               field=f"option{index}_name")
        if index > len(values) and name:
            raise CatalogError(_("Give the values of this option."),
                               field=f"option{index}_values")


def product_slug_free(*, name: str, exclude_pk: int | None = None) -> str:
    """A slug from ``name`` that no other product has (``batik-2``…)."""
    base = slugify(name)[:200] or "product"
    others = Product.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic(durable=True)
def product_create(*, product: Product, option_values: Sequence[Sequence[str]],
                   defaults: VariantDefaults) -> Product:
    """Save a new ``product`` (validated, unsaved) with one variant per
    combination of ``option_values`` (one variant when there are none).

    ``option_values[i]`` are the values of option ``i+1``, whose name is
    on the product. A blank slug is made from the name. Nothing is saved
    when a rule refuses (CatalogError).
    """
    _option_names_check(product, option_values)
    option_values_check(option_values)
    if not product.slug:
        product.slug = product_slug_free(name=product.name)
    product.archived_at = None
    product.save()
    _variants_generate(product=product, values=option_values, defaults=defaults)
    product_refresh(product_ids=[product.pk])
    catalog_changed()
    return product


@transaction.atomic(durable=True)
def product_variants_generate(*, product: Product,
                              option_values: Sequence[Sequence[str]],
                              defaults: VariantDefaults) -> list[Variant]:
    """Add the combinations of ``option_values`` the product lacks.

    Saves ``product`` too (its option names may be new). Existing variants
    are left as they are. Returns the new variants.
    """
    _option_names_check(product, option_values)
    product.save()
    made = _variants_generate(product=product, values=option_values,
                              defaults=defaults)
    product_refresh(product_ids=[product.pk])
    catalog_changed()
    return made


# --- the variant grid ------------------------------------------------------------


def variant_options_errors(product: Product, variant: Variant) -> dict[str, str]:
    """Messages by field when the variant's option values do not fit the
    product's option names (a value for every named option, none else)."""
    errors = {}
    names = [product.option1_name, product.option2_name, product.option3_name]
    for index, name in enumerate(names, start=1):
        value = getattr(variant, f"option{index}")
        if name and not value:
            errors[f"option{index}"] = _("Give the %(option)s.") % {"option": name}
        elif not name and value:
            errors[f"option{index}"] = _("The product has no option %(n)s; name "
                                         "it first.") % {"n": index}
    return errors


def variants_referenced(variant_ids: Iterable[int]) -> set[int]:
    """Those of ``variant_ids`` that rows outside the catalogue point at
    (order lines, invoice lines…): deleting them would blank that link."""
    ids = list(variant_ids)
    found: set[int] = set()
    if not ids:
        return found
    # Hidden relations too: order lines point here with related_name "+".
    for relation in Variant._meta.get_fields(include_hidden=True):
        if not (isinstance(relation, ForeignObjectRel)
                and (relation.one_to_many or relation.one_to_one)):
            continue
        model = relation.related_model
        if model is None or model._meta.app_label in _DISPOSABLE_APPS:
            continue
        column = relation.field.attname
        found.update(model._base_manager.filter(**{f"{column}__in": ids})
                     .values_list(column, flat=True).distinct())
    return found


_GRID_FIELDS = ["sku", "option1", "option2", "option3", "price",
                "compare_at_price", "weight_grams", "is_active", "position"]


def _stock_set(variant: Variant, stock: int, seen: int, row: int | None) -> None:
    """Set a variant's stock only if it still is ``seen`` (no sale since)."""
    if stock == seen:
        return
    done = Variant.objects.filter(pk=variant.pk, stock=seen).update(
        stock=stock, updated_at=timezone.now())
    if not done:
        now = Variant.objects.filter(pk=variant.pk).values_list(
            "stock", flat=True).first()
        raise CatalogError(
            _("The stock of %(sku)s changed to %(now)s since you opened this "
              "page (a sale or another edit); check it and save again.")
            % {"sku": variant.sku, "now": now}, field="stock", row=row,
            code="stock_changed")


@transaction.atomic(durable=True)
def product_save(*, product: Product, variants: Sequence[tuple[Variant, int]],
                 removed: Sequence[Variant] = ()) -> list[Variant]:
    """Save the product and its variant grid, all or nothing.

    ``variants``: (variant, stock seen) per grid row, new ones unsaved with
    the stock seen 0; existing variants keep their stock unless the row
    changed it, and then only if it is still the stock seen. ``removed``
    variants are deleted, or switched off when an order points at them.
    Returns the variants switched off instead of deleted. Raises
    CatalogError naming the row and field; nothing is saved then.
    """
    removed_ids = {v.pk for v in removed if v.pk}
    kept = [(v, s) for v, s in variants if v.pk not in removed_ids or not v.pk]
    if not kept:
        raise CatalogError(_("A product needs at least one variant."))
    if len(kept) > MAX_VARIANTS:
        raise CatalogError(_("At most %(max)s variants are allowed per product.")
                           % {"max": MAX_VARIANTS}, code="too_many")
    for row, (variant, _seen) in enumerate(kept):
        for field, message in variant_options_errors(product, variant).items():
            raise CatalogError(message, field=field, row=row)
    if product.slug == "":
        product.slug = product_slug_free(name=product.name, exclude_pk=product.pk)
    product.save()
    referenced = variants_referenced(removed_ids)
    switched_off = [v for v in removed if v.pk in referenced]
    Variant.objects.filter(pk__in=[v.pk for v in switched_off]).update(
        is_active=False, updated_at=timezone.now())
    Variant.objects.filter(pk__in=removed_ids - referenced).delete()
    try:
        # A savepoint, so the refusal below leaves the transaction usable
        # for the caller's rollback. Forms catch these clashes first; this
        # is the last word when two edits race.
        with transaction.atomic():
            _grid_write(product, kept)
    except IntegrityError:
        raise CatalogError(_("Two variants have the same SKU or the same "
                             "options."), code="duplicate") from None
    product_refresh(product_ids=[product.pk])
    catalog_changed()  # name, slug, category or visibility show on listings
    return switched_off


def _grid_write(product: Product, rows: Sequence[tuple[Variant, int]]) -> None:
    for row, (variant, seen) in enumerate(rows):
        variant.product = product
        if variant.pk is None:
            variant.save()
            continue
        variant.save(update_fields=[*_GRID_FIELDS, "updated_at"])
        _stock_set(variant, variant.stock, seen, row)


@transaction.atomic(durable=True)
def variants_stock_price_set(*, rows: Sequence[StockPrice]) -> int:
    """Bulk edit from the product list: new prices and stock, all or none.

    A row whose stock was changed by a sale since ``stock_seen`` is refused
    (CatalogError with its row), and so the whole edit. Returns how many
    variants changed.
    """
    by_id = Variant.objects.in_bulk([r.variant_id for r in rows])
    changed, products = 0, set()
    for index, row in enumerate(rows):
        variant = by_id.get(row.variant_id)
        if variant is None:
            raise CatalogError(_("A variant on this page was deleted; reload it."),
                               row=index)
        if row.price < 0:
            raise CatalogError(_("Ensure this value is greater than or equal to "
                                 "0."), field="price", row=index)
        if row.stock < 0:
            raise CatalogError(_("Ensure this value is greater than or equal to "
                                 "0."), field="stock", row=index)
        if row.price == variant.price and row.stock == row.stock_seen:
            continue
        if row.price != variant.price:
            Variant.objects.filter(pk=variant.pk).update(
                price=row.price, updated_at=timezone.now())
        _stock_set(variant, row.stock, row.stock_seen, index)
        changed += 1
        products.add(variant.product_id)
    product_refresh(product_ids=sorted(products))
    return changed


# --- archive, delete, duplicate --------------------------------------------------


@transaction.atomic(durable=True)
def product_archive(*, product: Product) -> Product:
    """Retire a product: off the shop and the office's default list, still
    on every old order and invoice (which keep their own copies)."""
    product.archived_at = timezone.now()
    product.is_active = False
    product.save(update_fields=["archived_at", "is_active", "updated_at"])
    product_refresh(product_ids=[product.pk])
    catalog_changed()
    return product


@transaction.atomic(durable=True)
def product_restore(*, product: Product) -> Product:
    """Bring an archived product back, hidden until the owner shows it."""
    product.archived_at = None
    product.save(update_fields=["archived_at", "updated_at"])
    product_refresh(product_ids=[product.pk])
    catalog_changed()
    return product


def product_delete(*, product: Product) -> bool:
    """Delete a product, or archive it when an order points at one of its
    variants. Returns True when it was deleted."""
    with transaction.atomic(durable=True):
        ids = list(product.variants.values_list("pk", flat=True))
        if variants_referenced(ids):
            archive = True
        else:
            archive = False
            files = [name for image in product.images.all()
                     for name in (image.image.name, image.thumbnail.name) if name]
            pk = product.pk
            product.delete()
            product_removed(product_ids=[pk])
    if archive:
        product_archive(product=product)
        return False
    storage = ProductImage._meta.get_field("image").storage
    for name in files:
        storage.delete(name)
    return True


def _sku_free(base: str) -> str:
    sku, n = base[:64], 2
    while Variant.objects.filter(sku=sku).exists():
        suffix = f"-{n}"
        sku, n = base[:64 - len(suffix)] + suffix, n + 1
    return sku


@transaction.atomic(durable=True)
def product_duplicate(*, product: Product) -> Product:
    """A hidden copy of ``product`` to edit into a new one: same details,
    variants (SKUs suffixed ``-COPY``, stock 0) and pictures."""
    source = Product.objects.get(pk=product.pk)
    variants = list(source.variants.all())
    images = list(source.images.all())
    copy = source
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.name = (_("%(name)s (copy)") % {"name": source.name})[:200]
    copy.slug = product_slug_free(name=f"{product.slug}-copy")
    copy.is_active = False
    copy.archived_at = None
    copy.save()
    for variant in variants:
        base = f"{variant.sku}-COPY"
        variant.pk = None
        variant.id = None
        variant._state.adding = True
        variant.product = copy
        variant.sku = _sku_free(base)
        variant.stock = 0
    Variant.objects.bulk_create(variants)
    for image in images:
        with image.image.open("rb") as f:
            data = f.read()
        clone = ProductImage(product=copy, alt_text=image.alt_text,
                             position=image.position)
        clone.image.save((image.image.name or "picture").rsplit("/", 1)[-1],
                         ContentFile(data),
                         save=False)
        clone.save()
        # A copy of a picture without a thumbnail goes without one too.
        with contextlib.suppress(ImageProcessingError):
            product_image_make_thumbnail(image=clone)
    product_refresh(product_ids=[copy.pk])
    catalog_changed()
    return copy


# --- positions ------------------------------------------------------------------


def position_move(siblings: QuerySet, obj, step: int) -> None:
    """Swap ``obj`` with its neighbour in ``siblings`` (Meta ordering) and
    number them all 0, 1, 2… so equal positions cannot stall a move (a
    product's pictures, a category among its siblings)."""
    rows = list(siblings.select_for_update().order_by("position", "pk"))
    at = next(i for i, r in enumerate(rows) if r.pk == obj.pk)
    to = at + (1 if step > 0 else -1)
    if 0 <= to < len(rows):
        rows[at], rows[to] = rows[to], rows[at]
    for i, row in enumerate(rows):
        row.position = i
    siblings.model.objects.bulk_update(rows, ["position"])
