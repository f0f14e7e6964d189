"""Catalogue: categories (a tree), products, variants, images, front page."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kedai.core.images import RasterImageField
from kedai.core.models import TimeStampedModel


class TaxClass(models.Model):
    """A sales- or service-tax rate applied to products (docs/reference/tax.md)."""

    class Kind(models.TextChoices):
        NONE = "none", _("No tax")
        SALES = "sales", _("Sales tax")
        SERVICE = "service", _("Service tax")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices,
                            default=Kind.NONE)
    rate = models.DecimalField(
        _("rate (%)"), max_digits=5, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        ordering = ["rate", "name"]
        verbose_name = _("tax class")
        verbose_name_plural = _("tax classes")
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0), name="taxclass_rate_gte_0")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.rate}%)"


class Category(TimeStampedModel):
    """A node of the category tree; products hang off any level."""

    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True,
        related_name="children", on_delete=models.PROTECT,
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(_("description"), blank=True)
    image = RasterImageField(_("image"), upload_to="categories/", blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("storefront:category", kwargs={"slug": self.slug})

    def clean(self) -> None:
        # A category may not become its own ancestor: walk up from the parent.
        node, seen = self.parent, set()
        while node is not None:
            if node.pk == self.pk and self.pk is not None or node.pk in seen:
                raise ValidationError(
                    {"parent": _("A category cannot be placed under itself.")}
                )
            seen.add(node.pk)
            node = node.parent


class Product(TimeStampedModel):
    """A thing the shop sells; what is bought is one of its variants.

    ``price``, ``price_max``, ``in_stock`` and ``thumbnail`` summarise the
    variants and images so listings need one query; they are maintained by
    :func:`kedai.catalog.services.product_refresh` only.
    """

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), related_name="products",
        on_delete=models.PROTECT,
    )
    description = models.TextField(
        _("description"), blank=True,
        help_text=_("Markdown: **bold**, *italic*, lists, links. HTML is shown "
                    "as text."),
    )
    tax_class = models.ForeignKey(
        TaxClass, verbose_name=_("tax class"), null=True, blank=True,
        on_delete=models.PROTECT, help_text=_("Empty means no tax."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Set when the product is retired but orders still point at it: hidden
    # from the shop (is_active is off too) and from the office's default
    # lists, kept for old orders and invoices (services.product_delete).
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True,
                                       editable=False)
    option1_name = models.CharField(_("option 1 name"), max_length=40, blank=True,
                                    help_text=_("For example Size."))
    option2_name = models.CharField(_("option 2 name"), max_length=40, blank=True,
                                    help_text=_("For example Colour."))
    option3_name = models.CharField(_("option 3 name"), max_length=40, blank=True)

    # Summary of variants and images (see class docstring).
    price = models.DecimalField(_("price from"), null=True, blank=True,
                                editable=False, max_digits=12, decimal_places=2)
    price_max = models.DecimalField(_("price to"), null=True, blank=True,
                                    editable=False, max_digits=12, decimal_places=2)
    in_stock = models.BooleanField(_("in stock"), default=False, editable=False)
    thumbnail = models.CharField(max_length=255, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        # Partial indexes over what listings show (active and priced), one
        # per sort order, with and without a category. A plain index on
        # is_active is useless to SQLite, whose planner cannot range-scan a
        # bare boolean test.
        indexes = [
            models.Index(fields=fields, name=f"product_listed_{name}",
                         condition=Q(is_active=True, price__isnull=False))
            for name, fields in [
                ("cat_name", ["category", "name", "id"]),
                ("cat_price", ["category", "price", "id"]),
                ("cat_new", ["category", "-created_at", "-id"]),
                ("name", ["name", "id"]),
                ("price", ["price", "id"]),
                ("new", ["-created_at", "-id"]),
            ]
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("storefront:product", kwargs={"slug": self.slug})

    @property
    def option_names(self) -> list[str]:
        return [n for n in (self.option1_name, self.option2_name,
                            self.option3_name) if n]


class Variant(TimeStampedModel):
    """A buyable version of a product; its SKU is the product code."""

    product = models.ForeignKey(Product, related_name="variants",
                                on_delete=models.CASCADE)
    sku = models.CharField(_("SKU (product code)"), max_length=64, unique=True)
    option1 = models.CharField(_("option 1"), max_length=60, blank=True)
    option2 = models.CharField(_("option 2"), max_length=60, blank=True)
    option3 = models.CharField(_("option 3"), max_length=60, blank=True)
    price = models.DecimalField(_("price"), validators=[MinValueValidator(0)],
                                max_digits=12, decimal_places=2)
    compare_at_price = models.DecimalField(
        _("compare-at price"), null=True, blank=True,
        validators=[MinValueValidator(0)], max_digits=12, decimal_places=2,
    )
    stock = models.PositiveIntegerField(_("stock"), default=0)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)
    length_cm = models.DecimalField(_("length (cm)"), max_digits=6, decimal_places=1,
                                    default=Decimal("0"))
    width_cm = models.DecimalField(_("width (cm)"), max_digits=6, decimal_places=1,
                                   default=Decimal("0"))
    height_cm = models.DecimalField(_("height (cm)"), max_digits=6, decimal_places=1,
                                    default=Decimal("0"))
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0),
                                   name="variant_price_gte_0"),
            models.UniqueConstraint(
                fields=["product", "option1", "option2", "option3"],
                name="variant_unique_options",
            ),
        ]

    def __str__(self) -> str:
        label = self.label
        return f"{self.product.name} – {label}" if label else self.product.name

    @property
    def label(self) -> str:
        """Option values for people, e.g. ``M / Blue``."""
        return " / ".join(v for v in (self.option1, self.option2, self.option3) if v)


class ProductImage(TimeStampedModel):
    product = models.ForeignKey(Product, related_name="images",
                                on_delete=models.CASCADE)
    image = RasterImageField(_("image"), upload_to="products/")
    thumbnail = models.ImageField(upload_to="products/thumbs/", blank=True,
                                  editable=False)
    alt_text = models.CharField(_("alt text"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.alt_text or self.image.name or ""


class FrontPage(models.Model):
    """What the owner shows on the front page and in the header (one row)."""

    store_name = models.CharField(_("store name"), max_length=100, default="Kedai")
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    logo = RasterImageField(_("logo"), upload_to="branding/", blank=True)
    announcement = models.CharField(
        _("announcement line"), max_length=200, blank=True,
        help_text=_("Shown above the header on every page; empty hides it."),
    )
    hero_title = models.CharField(_("banner title"), max_length=120, blank=True)
    hero_text = models.TextField(_("banner text"), blank=True)
    hero_image = RasterImageField(_("banner image"), upload_to="branding/",
                                   blank=True)
    hero_link_label = models.CharField(_("banner button label"), max_length=60,
                                       blank=True)
    hero_link_category = models.ForeignKey(
        Category, verbose_name=_("banner button category"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    featured_categories = models.ManyToManyField(
        Category, verbose_name=_("featured categories"), blank=True, related_name="+"
    )
    featured_products = models.ManyToManyField(
        Product, verbose_name=_("featured products"), blank=True, related_name="+"
    )
    search_in_header = models.BooleanField(_("search box in the header"),
                                           default=True)
    search_on_front_page = models.BooleanField(_("search box on the front page"),
                                               default=True)
    search_on_category_pages = models.BooleanField(
        _("search box on category pages"), default=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("front page and branding")
        verbose_name_plural = _("front page and branding")

    def __str__(self) -> str:
        return self.store_name


class SearchSynonym(TimeStampedModel):
    """Words a shopper may search for one another: "kopi, coffee".

    Malay and English name the same goods; a search for any word of a
    group also finds products named with the others. The owner edits the
    list in the back office; :mod:`kedai.catalog.search.synonyms` reads it.
    """

    words = models.CharField(
        _("words"), max_length=300,
        help_text=_("Two or more words that mean the same, separated by commas, "
                    "e.g. “kopi, coffee”. One word each; a search for any of "
                    "them also finds the others."))

    class Meta:
        ordering = ["words"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self) -> str:
        return self.words

    def clean(self) -> None:
        from kedai.catalog.search.synonyms import synonym_group_parse

        if len(synonym_group_parse(self.words)) < 2:
            raise ValidationError({"words": _(
                "Give at least two different words, separated by commas.")})
