"""Back office for the catalogue (Django admin, for now)."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from kedai.catalog import services
from kedai.catalog.images import ImageProcessingError
from kedai.catalog.models import (
    Category,
    FrontPage,
    Product,
    ProductImage,
    SearchSynonym,
    TaxClass,
    Variant,
)


@admin.register(TaxClass)
class TaxClassAdmin(ModelAdmin):
    list_display = ["name", "code", "kind", "rate"]
    search_fields = ["name", "code"]


class ChildCategoryInline(TabularInline):
    model = Category
    fk_name = "parent"
    fields = ["name", "slug", "position", "is_active"]
    extra = 0
    show_change_link = True
    verbose_name_plural = _("subcategories")


@admin.register(Category)
class CategoryAdmin(ModelAdmin):
    list_display = ["name", "parent", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [ChildCategoryInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            # The search index holds category names of products below.
            services.category_reindex(category=obj)
        services.catalog_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.catalog_changed()


class VariantInline(TabularInline):
    model = Variant
    extra = 0
    min_num = 1
    fields = ["sku", "option1", "option2", "option3", "price", "compare_at_price",
              "stock", "weight_grams", "length_cm", "width_cm", "height_cm",
              "is_active", "position"]


class ProductImageInline(TabularInline):
    model = ProductImage
    extra = 0
    fields = ["preview", "image", "alt_text", "position"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if obj.pk and obj.thumbnail:
            return format_html('<img src="{}" alt="" width="80">', obj.thumbnail.url)
        return "—"


@admin.register(Product)
class ProductAdmin(ModelAdmin):
    list_display = ["name", "category", "price", "in_stock", "is_active", "updated_at"]
    list_filter = ["is_active", "in_stock", "category", "tax_class"]
    list_select_related = ["category"]
    search_fields = ["name", "slug", "variants__sku", "description"]
    search_help_text = _("Name, slug, SKU or description.")
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category"]
    readonly_fields = ["price", "price_max", "in_stock"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "is_active", "tax_class"]}),
        (_("Description"), {"fields": ["description"]}),
        (_("Options"), {"fields": ["option1_name", "option2_name", "option3_name"],
                        "description": _("Name the options your variants differ "
                                         "by, e.g. Size and Colour.")}),
        (_("Summary (from variants)"), {"fields": ["price", "price_max", "in_stock"]}),
    ]
    inlines = [VariantInline, ProductImageInline]
    actions = ["make_active", "make_inactive"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        product = form.instance
        for image in product.images.all():
            if image.image and not image.thumbnail:
                try:
                    services.product_image_make_thumbnail(image=image)
                except ImageProcessingError:
                    messages.error(request, _("%(name)s is not a readable image.")
                                   % {"name": image.image.name})
        services.product_refresh(product_ids=[product.pk])
        services.catalog_changed()  # its name or slug may show anywhere
        if not product.variants.filter(weight_grams__gt=0).exists():
            messages.warning(request, _("No variant of “%(name)s” has a weight: "
                                        "shipping cannot be worked out for it.")
                             % {"name": product.name})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.product_removed(product_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        services.product_removed(product_ids=ids)

    @admin.action(description=_("Show selected products in the shop"))
    def make_active(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        queryset.update(is_active=True)
        services.product_refresh(product_ids=ids)
        services.catalog_changed()

    @admin.action(description=_("Hide selected products from the shop"))
    def make_inactive(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        queryset.update(is_active=False)
        services.product_refresh(product_ids=ids)
        services.catalog_changed()


@admin.register(FrontPage)
class FrontPageAdmin(ModelAdmin):
    """The one front-page row: branding, banner, featured items, search boxes."""

    autocomplete_fields = ["featured_products", "hero_link_category"]
    filter_horizontal = ["featured_categories"]
    readonly_fields = ["search_snippets"]
    fieldsets = [
        (_("Branding"), {"fields": ["store_name", "tagline", "logo", "announcement"]}),
        (_("Banner"), {"fields": ["hero_title", "hero_text", "hero_image",
                                  "hero_link_label", "hero_link_category"]}),
        (_("Featured"), {"fields": ["featured_categories", "featured_products"]}),
        (_("Search box"), {"fields": ["search_in_header", "search_on_front_page",
                                      "search_on_category_pages", "search_snippets"]}),
    ]

    def has_add_permission(self, request):
        return not FrontPage.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        from django.shortcuts import redirect

        front, _created = FrontPage.objects.get_or_create(pk=1)
        return redirect("admin:catalog_frontpage_change", front.pk)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.catalog_changed()

    @admin.display(description=_("Search box for other websites"))
    def search_snippets(self, obj):
        from kedai.catalog.snippets import search_snippets

        form_html, script_html = search_snippets(self._request_origin)
        return format_html(
            "<p>{}</p><textarea readonly rows='7' cols='90'>{}</textarea>"
            "<p>{}</p><textarea readonly rows='3' cols='90'>{}</textarea>",
            _("Plain search form: paste into any page of your other sites. "
              "It works without JavaScript."),
            form_html,
            _("Or a search box with live suggestions:"),
            script_html,
        )

    def get_form(self, request, obj=None, **kwargs):
        self._request_origin = f"{request.scheme}://{request.get_host()}"
        return super().get_form(request, obj, **kwargs)


@admin.register(SearchSynonym)
class SearchSynonymAdmin(ModelAdmin):
    """The owner's Malay/English search words ("kopi, coffee")."""

    list_display = ["words", "updated_at"]
    search_fields = ["words"]

    def save_model(self, request, obj, form, change):
        services.search_synonyms_save(synonym=obj)

    def delete_model(self, request, obj):
        services.search_synonyms_delete(synonyms=[obj])

    def delete_queryset(self, request, queryset):
        services.search_synonyms_delete(synonyms=list(queryset))
