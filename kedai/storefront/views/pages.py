"""Catalogue pages: front page, category, product, search."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from kedai.catalog import selectors
from kedai.catalog.models import Product
from kedai.storefront.forms import AddToCartForm, ListingForm, safe_next


@require_safe
def home(request):
    nav = selectors.navigation_get()
    return render(request, "storefront/home.html", {
        "featured_products": selectors.featured_products(nav.front_page),
        "featured_categories": nav.featured_categories,
    })


def _listing_params(form: ListingForm, *, category_id=None) -> selectors.ListingParams:
    return selectors.ListingParams(
        text=form.valid_value("q", ""),
        category_id=category_id,
        price_min=form.valid_value("min_price"),
        price_max=form.valid_value("max_price"),
        in_stock=form.valid_value("in_stock", False),
        on_sale=form.valid_value("sale", False),
        sort=form.valid_value("sort", ""),
        page=form.valid_value("page", 1),
        per_page=form.valid_value("per_page", selectors.default_per_page()),
    )


def _render_listing(request, template, form, params, extra):
    page = selectors.product_listing(params)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "params": params,
               "querystring": query.urlencode(), **extra}
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        template = "storefront/partials/results.html"
    return render(request, template, context)


@require_safe
def category(request, slug):
    nav = selectors.navigation_get()
    category_id = nav.by_slug.get(slug)
    if category_id is None:
        raise Http404("unknown category")
    form = ListingForm(request.GET)
    params = _listing_params(form, category_id=category_id)
    node = nav.categories[category_id]
    return _render_listing(request, "storefront/category.html", form, params, {
        "category": node,
        "breadcrumbs": nav.ancestors(category_id),
        "subcategories": [nav.categories[i] for i in node.children],
    })


@require_safe
def search(request):
    nav = selectors.navigation_get()
    form = ListingForm(request.GET)
    slug = form.valid_value("category")
    category_id = nav.by_slug.get(slug) if slug else None
    params = _listing_params(form, category_id=category_id)
    return _render_listing(request, "storefront/search.html", form, params, {
        "category": nav.categories.get(category_id) if category_id else None,
        "searched": bool(params.text or category_id),
    })


@require_safe
def search_suggest(request):
    """HTML suggestions under the storefront search box (htmx)."""
    form = ListingForm(request.GET)
    text = form.valid_value("q", "")
    suggestions = selectors.product_suggestions(text=text) if text else []
    return render(request, "storefront/partials/suggestions.html",
                  {"suggestions": suggestions, "q": text})


def _chosen_variant(variants, wanted: str | None):
    """The variant asked for by ``?variant=`` (or a failed add-to-cart), else
    the first in stock, else the first."""
    by_id = {str(v.pk): v for v in variants}
    if wanted in by_id:
        return by_id[wanted]
    return next((v for v in variants if v.stock > 0), variants[0] if variants else None)


def _option_pickers(product: Product, variants, chosen):
    """One group per option (Size, Colour…): each value links to the variant
    with that value and the chosen variant's other values, or else to the
    first variant with that value."""
    if not product.option_names:
        return [{"name": gettext("Option"), "current": chosen.label or chosen.sku,
                 "values": [{"value": v.label or v.sku, "variant": v,
                             "current": v.pk == chosen.pk, "available": v.stock > 0}
                            for v in variants]}]
    groups = []
    for index, name in enumerate(product.option_names, start=1):
        field = f"option{index}"
        values: list[dict] = []
        for variant in variants:
            value = getattr(variant, field)
            if not value or any(v["value"] == value for v in values):
                continue
            same = [v for v in variants if getattr(v, field) == value]
            target = next((v for v in same if all(
                getattr(v, f"option{i}") == getattr(chosen, f"option{i}")
                for i in (1, 2, 3) if i != index)), same[0])
            values.append({"value": value, "variant": target,
                           "current": value == getattr(chosen, field),
                           "available": any(v.stock > 0 for v in same)})
        if values:
            groups.append({"name": name, "values": values,
                           "current": getattr(chosen, field)})
    return groups


def product_page(request, product: Product, form: AddToCartForm, status=200):
    variants = list(product.variants.all())
    wanted = form.data.get("variant") or request.GET.get("variant")
    chosen = _chosen_variant(variants, wanted)
    pickers = _option_pickers(product, variants, chosen) if len(variants) > 1 else []
    on_sale = bool(chosen and chosen.compare_at_price
                   and chosen.compare_at_price > chosen.price)
    return render(request, "storefront/product.html", {
        "product": product,
        "variants": variants,
        "chosen": chosen,
        "pickers": pickers,
        "on_sale": on_sale,
        "saving": chosen.compare_at_price - chosen.price if on_sale else None,
        "images": list(product.images.all()),
        "form": form,
        "choose": request.GET.get("choose") == "1",
        # Where "Continue shopping" in the cart leads back to.
        "next_path": safe_next(form.data.get("next", "")) or product.get_absolute_url(),
    }, status=status)


@require_safe
def product(request, slug):
    try:
        item = selectors.product_get(slug=slug)
    except Product.DoesNotExist:
        raise Http404("unknown product") from None
    form = AddToCartForm(initial={"quantity": 1})
    return product_page(request, item, form)
