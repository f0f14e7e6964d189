"""Categories and tax classes, as the back office edits them. Services
like those of kedai.catalog.editing: one transaction each; every change
retires the cached storefront pages after commit (``catalog_changed``),
since navigation and prices with tax show on every page."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kedai.catalog.editing import CatalogError, position_move
from kedai.catalog.models import Category, Product, TaxClass
from kedai.catalog.services import (
    catalog_changed,
    category_reindex,
)


@transaction.atomic(durable=True)
def category_save(*, category: Category, renamed: bool = False) -> Category:
    """Save a category (validated: not under itself). A new one goes last
    among its siblings; a renamed one re-indexes the products below. A
    blank slug is made from the name."""
    if not category.slug:
        base = slugify(category.name)[:130] or "category"
        slug, n = base, 2
        while Category.objects.filter(slug=slug).exclude(pk=category.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        category.slug = slug
    category.full_clean(exclude=["image"])
    if category.pk is None:
        last = Category.objects.filter(parent=category.parent).aggregate(
            m=Max("position"))["m"]
        category.position = 0 if last is None else last + 1
    category.save()
    if renamed:
        category_reindex(category=category)
    catalog_changed()
    return category


@transaction.atomic(durable=True)
def category_move(*, category: Category, step: int) -> None:
    """Move a category one place up (-1) or down (+1) among its siblings."""
    position_move(Category.objects.filter(parent_id=category.parent_id), category, step)
    catalog_changed()


@transaction.atomic(durable=True)
def category_delete(*, category: Category) -> None:
    """Delete an empty category; refused while it holds products or
    subcategories."""
    if category.children.exists():
        raise CatalogError(_("Move or delete its subcategories first."),
                           code="in_use")
    if Product.objects.filter(category=category).exists():
        raise CatalogError(_("Products are in this category; move them first."),
                           code="in_use")
    category.delete()
    catalog_changed()


@transaction.atomic(durable=True)
def tax_class_save(*, tax_class: TaxClass) -> TaxClass:
    """Save a tax class; the prices shown with tax change everywhere."""
    tax_class.full_clean()
    tax_class.save()
    catalog_changed()
    return tax_class


@transaction.atomic(durable=True)
def tax_class_delete(*, tax_class: TaxClass) -> None:
    """Delete a tax class no product uses."""
    if Product.objects.filter(tax_class=tax_class).exists():
        raise CatalogError(_("Products use this tax class; change them first."),
                           code="in_use")
    tax_class.delete()
    catalog_changed()
