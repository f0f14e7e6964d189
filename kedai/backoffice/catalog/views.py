"""/office/catalogue/: products with options and variants, pictures,
categories and tax classes, bulk price and stock edits.

Every view needs the permission ``CATALOG_PERMISSION`` names;
every change is a POST with Django's CSRF token, parsed by a form and done
by one service of kedai.catalog.editing, picture_editing or
category_editing. Refused input is shown again with its message by the
field, with a 400, and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kedai.backoffice.access import office_view
from kedai.backoffice.catalog import forms
from kedai.backoffice.catalog.selectors import (
    category_tree,
    product_office_list,
    variants_for_products,
)
from kedai.catalog import category_editing, editing, picture_editing
from kedai.catalog.editing import CatalogError, StockPrice
from kedai.catalog.models import (
    Category,
    Product,
    ProductImage,
    TaxClass,
    Variant,
)

# The catalogue is the owner's, like the settings and spreadsheet uploads
# (which can rewrite it already); staff keep orders and reports.
CATALOG_PERMISSION = "manage_settings"
PAGE_SIZE = 50
manage_catalog = office_view(CATALOG_PERMISSION)


def _refused(form, exc: CatalogError) -> None:
    """Show a service's refusal by its field, or above the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


# --- the list and bulk edit ------------------------------------------------------


def _listing(request: HttpRequest):
    form = forms.ProductFilterForm(request.GET or None)
    products = product_office_list(filters=form.filters())
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return form, page, query.urlencode()


@require_GET
@manage_catalog
def product_list(request: HttpRequest) -> HttpResponse:
    """Products with search and filters; links to edit prices and stock."""
    form, page, query = _listing(request)
    return render(request, "backoffice/catalog/products.html", {
        "form": form, "page": page, "query": query})


@manage_catalog
def product_bulk(request: HttpRequest) -> HttpResponse:
    """Prices and stock of every variant of the listed page, in one grid
    saved all or nothing."""
    form, page, query = _listing(request)
    variants = variants_for_products([p.pk for p in page])
    if request.method == "POST":
        formset = forms.StockPriceFormSet(request.POST, prefix="v")
        if formset.is_valid():
            rows = [StockPrice(variant_id=f.cleaned_data["variant"],
                               price=f.cleaned_data["price"],
                               stock=f.cleaned_data["stock"],
                               stock_seen=f.cleaned_data["stock_seen"])
                    for f in formset.forms]
            try:
                changed = editing.variants_stock_price_set(rows=rows)
            except CatalogError as exc:
                target = formset.forms[exc.row] if exc.row is not None else None
                if target is not None:
                    _refused(target, exc)
                else:
                    messages.error(request, exc.message)
            else:
                messages.success(request, _("%(count)s variant(s) changed.")
                                 % {"count": changed})
                url = reverse("backoffice_catalog:bulk")
                return redirect(f"{url}?{query}" if query else url)
        status = 400
    else:
        formset = forms.StockPriceFormSet(prefix="v", initial=[
            {"variant": v.pk, "price": v.price, "stock": v.stock,
             "stock_seen": v.stock} for v in variants])
        status = 200
    by_id = {v.pk: v for v in variants}
    shown: list[tuple[Variant | None, forms.StockPriceForm]] = []
    for f in formset.forms:
        pk = f["variant"].value()
        try:
            shown.append((by_id.get(int(pk)), f))
        except (TypeError, ValueError):
            shown.append((None, f))
    return render(request, "backoffice/catalog/bulk.html", {
        "form": form, "page": page, "query": query, "formset": formset,
        "rows": shown}, status=status)


# --- one product --------------------------------------------------------------------


@manage_catalog
def product_create(request: HttpRequest) -> HttpResponse:
    """A new product with its options; one variant per combination."""
    product_form = forms.ProductForm(request.POST or None)
    generate_form = forms.GenerateForm(request.POST or None,
                                       product_form=product_form)
    if (request.method == "POST" and product_form.is_valid()
            and generate_form.is_valid()):
        try:
            product = editing.product_create(
                product=product_form.instance,
                option_values=generate_form.option_values(),
                defaults=generate_form.defaults())
        except CatalogError as exc:
            product_form.instance.pk = None
            target = (product_form if exc.field in product_form.fields
                      else generate_form)
            _refused(target, exc)
        else:
            messages.success(request, _("“%(name)s” created with %(count)s "
                                        "variant(s).")
                             % {"name": product.name,
                                "count": product.variants.count()})
            return redirect("backoffice_catalog:edit", pk=product.pk)
    return render(request, "backoffice/catalog/product_new.html", {
        "product_form": product_form, "generate_form": generate_form},
        status=400 if request.method == "POST" else 200)


def _product(pk: int) -> Product:
    return get_object_or_404(Product.objects.select_related("category"), pk=pk)


@manage_catalog
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The product, its variant grid, generation of more variants and its
    pictures. "Save" saves the product and the grid; "Generate" saves the
    product and adds the missing combinations."""
    product = _product(pk)
    posted = request.POST if request.method == "POST" else None
    generating = bool(posted and "generate" in posted)
    product_form = forms.ProductForm(posted, instance=product)
    formset = forms.VariantFormSet(None if generating else posted,
                                   instance=product, prefix="variants")
    generate_form = forms.GenerateForm(posted if generating else None,
                                       product_form=product_form,
                                       prefix="gen", initial=_generate_initial(product))
    status = 200
    if posted is not None:
        status = 400
        if generating:
            if product_form.is_valid() and generate_form.is_valid():
                try:
                    made = editing.product_variants_generate(
                        product=product_form.instance,
                        option_values=generate_form.option_values(),
                        defaults=generate_form.defaults())
                except CatalogError as exc:
                    _refused(generate_form if exc.field not in product_form.fields
                             else product_form, exc)
                else:
                    messages.success(request, _("%(count)s variant(s) added.")
                                     % {"count": len(made)})
                    return redirect("backoffice_catalog:edit", pk=product.pk)
        elif product_form.is_valid() and formset.is_valid():
            rows = []
            for form in formset.forms:
                if form in formset.deleted_forms:
                    continue
                if form.instance.pk is None and not form.has_changed():
                    continue
                rows.append((form.instance, form.seen_stock()))
            removed = [f.instance for f in formset.deleted_forms if f.instance.pk]
            try:
                switched_off = editing.product_save(
                    product=product_form.instance, variants=rows, removed=removed)
            except CatalogError as exc:
                _grid_refused(product_form, formset, rows, exc)
            else:
                messages.success(request, _("Saved."))
                for variant in switched_off:
                    messages.warning(request, _(
                        "%(sku)s is on orders, so it was switched off instead "
                        "of deleted.") % {"sku": variant.sku})
                if not product.variants.filter(weight_grams__gt=0).exists():
                    messages.warning(request, _(
                        "No variant has a weight: shipping cannot be worked out "
                        "for this product."))
                return redirect("backoffice_catalog:edit", pk=product.pk)
        if status == 400:
            product.refresh_from_db()
    return render(request, "backoffice/catalog/product_edit.html", {
        "product": product, "product_form": product_form, "formset": formset,
        "generate_form": generate_form, "images": product.images.all(),
        "image_form": forms.ImageForm(), "storefront_url": product.get_absolute_url(),
    }, status=status)


def _generate_initial(product: Product) -> dict:
    """The option values the product's variants have, to add to."""
    variants = list(product.variants.all())
    initial: dict = {}
    for index in (1, 2, 3):
        values = list(dict.fromkeys(getattr(v, f"option{index}") for v in variants
                                    if getattr(v, f"option{index}")))
        initial[f"option{index}_values"] = ", ".join(values)
    if variants:
        initial.update(price=variants[0].price,
                       weight_grams=variants[0].weight_grams)
    return initial


def _grid_refused(product_form, formset, rows, exc: CatalogError) -> None:
    if exc.row is not None:
        variant = rows[exc.row][0]
        for form in formset.forms:
            if form.instance is variant:
                _refused(form, exc)
                return
    if exc.field in product_form.fields:
        _refused(product_form, exc)
    else:
        formset._non_form_errors = formset.error_class([exc.message])


@require_POST
@manage_catalog
def product_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    copy = editing.product_duplicate(product=_product(pk))
    messages.success(request, _("This is a hidden copy; change it and show it "
                                "in the shop when ready."))
    return redirect("backoffice_catalog:edit", pk=copy.pk)


@require_POST
@manage_catalog
def product_archive(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(pk)
    if "restore" in request.POST:
        editing.product_restore(product=product)
        messages.success(request, _("Restored; it stays hidden until you show "
                                    "it in the shop."))
    else:
        editing.product_archive(product=product)
        messages.success(request, _("Archived: gone from the shop, kept on old "
                                    "orders."))
    return redirect("backoffice_catalog:edit", pk=product.pk)


@manage_catalog
def product_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first; delete, or archive when orders point at it."""
    product = _product(pk)
    if request.method == "POST":
        name = product.name
        if editing.product_delete(product=product):
            messages.success(request, _("“%(name)s” deleted.") % {"name": name})
            return redirect("backoffice_catalog:products")
        messages.warning(request, _("“%(name)s” is on orders, so it was archived "
                                    "instead of deleted.") % {"name": name})
        return redirect("backoffice_catalog:edit", pk=product.pk)
    referenced = bool(editing.variants_referenced(
        product.variants.values_list("pk", flat=True)))
    return render(request, "backoffice/catalog/product_delete.html", {
        "product": product, "referenced": referenced})


# --- pictures ------------------------------------------------------------------------


@require_POST
@manage_catalog
def image_add(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(pk)
    form = forms.ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            picture_editing.product_image_add(product=product,
                                              upload=form.cleaned_data["image"],
                                              alt_text=form.cleaned_data["alt_text"])
        except CatalogError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Picture added."))
            return redirect(reverse("backoffice_catalog:edit", args=[pk])
                            + "#pictures")
    return render(request, "backoffice/catalog/product_edit.html", {
        "product": product, "product_form": forms.ProductForm(instance=product),
        "formset": forms.VariantFormSet(instance=product, prefix="variants"),
        "generate_form": forms.GenerateForm(prefix="gen"),
        "images": product.images.all(), "image_form": form,
        "storefront_url": product.get_absolute_url()}, status=400)


@require_POST
@manage_catalog
def image_change(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    """One picture: save its alt text, move it up or down, or delete it."""
    image = get_object_or_404(ProductImage, pk=image_pk, product_id=pk)
    if "delete" in request.POST:
        picture_editing.product_image_delete(image=image)
        messages.success(request, _("Picture deleted."))
    elif "up" in request.POST or "down" in request.POST:
        picture_editing.product_image_move(image=image,
                                           step=-1 if "up" in request.POST else 1)
    else:
        form = forms.ImageAltForm(request.POST, instance=image)
        if form.is_valid():
            picture_editing.product_image_update(image=image,
                                                 alt_text=form.cleaned_data["alt_text"])
            messages.success(request, _("Alt text saved."))
        else:
            errors = " ".join(str(e) for e in form.errors.get("alt_text", []))
            messages.error(request, _("Alt text: %(error)s") % {"error": errors})
    return redirect(reverse("backoffice_catalog:edit", args=[pk]) + "#pictures")


# --- categories ----------------------------------------------------------------------


@manage_catalog
def category_list(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The tree with up/down buttons, and a form to add (or edit) one."""
    category = get_object_or_404(Category, pk=pk) if pk else None
    old_name = category.name if category else None
    form = forms.CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            saved = category_editing.category_save(
                category=form.instance,
                renamed=old_name is not None and old_name != form.instance.name)
        except ValidationError as exc:  # the form checked the same rules
            form.add_error(None, exc)
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": saved.name})
            return redirect("backoffice_catalog:categories")
    return render(request, "backoffice/catalog/categories.html", {
        "tree": category_tree(), "form": form, "category": category},
        status=400 if request.method == "POST" else 200)


@require_POST
@manage_catalog
def category_move(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    if "delete" in request.POST:
        try:
            category_editing.category_delete(category=category)
        except CatalogError as exc:
            messages.error(request, f"{category.name}: {exc.message}")
        else:
            messages.success(request, _("“%(name)s” deleted.")
                             % {"name": category.name})
    else:
        category_editing.category_move(category=category,
                                       step=-1 if "up" in request.POST else 1)
    return redirect(reverse("backoffice_catalog:categories") + f"#c{pk}")


# --- tax classes ---------------------------------------------------------------------


@manage_catalog
def tax_list(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    tax_class = get_object_or_404(TaxClass, pk=pk) if pk else None
    form = forms.TaxClassForm(request.POST or None, instance=tax_class)
    if request.method == "POST":
        if "delete" in request.POST and tax_class is not None:
            try:
                category_editing.tax_class_delete(tax_class=tax_class)
            except CatalogError as exc:
                messages.error(request, exc.message)
                return redirect("backoffice_catalog:tax_edit", pk=tax_class.pk)
            messages.success(request, _("Tax class deleted."))
            return redirect("backoffice_catalog:tax")
        if form.is_valid():
            category_editing.tax_class_save(tax_class=form.instance)
            messages.success(request, _("Tax class saved."))
            return redirect("backoffice_catalog:tax")
    return render(request, "backoffice/catalog/tax.html", {
        "tax_classes": TaxClass.objects.all(), "form": form, "tax_class": tax_class},
        status=400 if request.method == "POST" else 200)
