"""Forms of the catalogue pages: they parse; the rules that need the
database live in kedai.catalog.editing and come back as field errors."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from kedai.backoffice.catalog.selectors import ProductFilters, category_tree
from kedai.catalog.editing import (
    MAX_VARIANTS,
    CatalogError,
    VariantDefaults,
    option_values_check,
    option_values_parse,
    variant_options_errors,
)
from kedai.catalog.models import Category, Product, ProductImage, TaxClass, Variant
from kedai.core.images import RasterImageFormField

MAX_STOCK = 10**9
MAX_WEIGHT = 10**7  # grams: ten tonnes


class _TreeChoices(BaseChoiceIterator):
    """Read when a widget renders, never at import."""

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for category, depth in category_tree():
            yield (category.pk, "\u00a0\u00a0" * depth + category.name)


class CategoryChoiceField(forms.ModelChoiceField):
    """Categories as an indented tree, in the shop's order."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Category.objects.all(), **kwargs)

    def _tree_choices(self):
        return _TreeChoices(self)

    choices = property(_tree_choices,
                       forms.ChoiceField.choices.fset)  # type: ignore[union-attr]


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={
                            "type": "search",
                            "placeholder": _("Name, SKU or slug")}))
    category = CategoryChoiceField(label=_("Category"), required=False,
                                   empty_label=_("All categories"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Active and hidden")), ("active", _("In the shop")),
        ("hidden", _("Hidden")), ("archived", _("Archived")), ("all", _("All"))])
    stock = forms.ChoiceField(label=_("Stock"), required=False, choices=[
        ("", _("Any")), ("low", _("Low (5 or fewer)")), ("out", _("Out of stock"))])

    def filters(self) -> ProductFilters:
        if not self.is_bound or not self.is_valid():
            return ProductFilters()
        data = self.cleaned_data
        return ProductFilters(text=data["q"], category=data["category"],
                              status=data["status"], stock=data["stock"])


class ProductForm(forms.ModelForm):
    category = CategoryChoiceField(label=_("Category"))

    class Meta:
        model = Product
        fields = ["name", "slug", "category", "description", "tax_class",
                  "is_active", "option1_name", "option2_name", "option3_name"]
        labels = {"is_active": _("Show in the shop")}
        help_texts = {"slug": _("The product's web address; empty makes one "
                                "from the name.")}
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["tax_class"].empty_label = _("No tax")  # type: ignore[attr-defined]


def _money(label, required=True):
    return forms.DecimalField(label=label, required=required, min_value=0,
                              max_digits=12, decimal_places=2)


class GenerateForm(forms.Form):
    """Option values and what the variants made from them start with."""

    option1_values = forms.CharField(label=_("Values of option 1"), required=False,
                                     max_length=2000,
                                     help_text=_("Separated by commas: S, M, L"))
    option2_values = forms.CharField(label=_("Values of option 2"), required=False,
                                     max_length=2000)
    option3_values = forms.CharField(label=_("Values of option 3"), required=False,
                                     max_length=2000)
    price = _money(_("Price (RM)"))
    compare_at_price = _money(_("Compare-at price (RM)"), required=False)
    stock = forms.IntegerField(label=_("Stock of each"), min_value=0,
                               max_value=MAX_STOCK, initial=0)
    weight_grams = forms.IntegerField(label=_("Weight (g)"), min_value=0,
                                      max_value=MAX_WEIGHT, initial=0)
    sku_prefix = forms.CharField(
        label=_("SKU prefix"), required=False, max_length=40,
        help_text=_("SKUs are made as PREFIX-M-BLUE; empty uses the slug."))

    def __init__(self, *args, product_form: forms.ModelForm | None = None,
                 **kwargs):
        self.product_form = product_form
        super().__init__(*args, **kwargs)

    def option_values(self) -> list[list[str]]:
        """The values of each named option (option 1 first)."""
        out = []
        for index in (1, 2, 3):
            values = option_values_parse(self.cleaned_data.get(
                f"option{index}_values", ""))
            if not values:
                break
            out.append(values)
        return out

    def clean(self):
        data = super().clean()
        names = {}
        if self.product_form is not None and self.product_form.is_valid():
            names = {i: self.product_form.cleaned_data.get(f"option{i}_name")
                     for i in (1, 2, 3)}
        values = self.option_values()
        for index in (1, 2, 3):
            has_values = bool(option_values_parse(
                self.cleaned_data.get(f"option{index}_values", "")))
            if names.get(index) and not has_values:
                self.add_error(f"option{index}_values",
                               _("Give the values of this option."))
            elif has_values and names and not names.get(index):
                self.add_error(f"option{index}_values",
                               _("Name this option above first."))
            elif has_values and index > len(values):
                self.add_error(f"option{index}_values",
                               _("Fill in the options in order."))
        try:
            option_values_check(values)
        except CatalogError as exc:
            self.add_error(exc.field if exc.field in self.fields else None,
                           exc.message)
        return data

    def defaults(self) -> VariantDefaults:
        data = self.cleaned_data
        return VariantDefaults(price=data["price"],
                               compare_at_price=data["compare_at_price"],
                               stock=data["stock"] or 0,
                               weight_grams=data["weight_grams"] or 0,
                               sku_prefix=data["sku_prefix"].strip())


class VariantForm(forms.ModelForm):
    stock_seen = forms.IntegerField(widget=forms.HiddenInput, required=False,
                                    min_value=0)

    class Meta:
        model = Variant
        fields = ["sku", "option1", "option2", "option3", "price",
                  "compare_at_price", "stock", "weight_grams", "is_active",
                  "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["stock_seen"].initial = self.instance.stock
        self.fields["stock"].validators.append(MaxValueValidator(MAX_STOCK))
        self.fields["weight_grams"].validators.append(MaxValueValidator(MAX_WEIGHT))
        for name in ("stock", "weight_grams", "position"):
            self.fields[name].required = False  # empty is 0
        self.fields["price"].validators.append(MinValueValidator(Decimal("0")))
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("aria-label", str(field.label))
            if name in ("stock", "weight_grams", "position"):
                field.widget.attrs["inputmode"] = "numeric"

    def clean_stock(self) -> int:
        return self.cleaned_data["stock"] or 0

    def clean_weight_grams(self) -> int:
        return self.cleaned_data["weight_grams"] or 0

    def clean_position(self) -> int:
        return self.cleaned_data["position"] or 0

    def seen_stock(self) -> int:
        seen = self.cleaned_data.get("stock_seen")
        if self.instance.pk is None:
            return 0
        return self.initial.get("stock", 0) if seen is None else seen


class BaseVariantFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        product = self.instance
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            if self.can_delete and form.cleaned_data.get("DELETE"):
                continue
            for field, message in variant_options_errors(product,
                                                          form.instance).items():
                form.add_error(field, message)


VariantFormSet = inlineformset_factory(
    Product, Variant, form=VariantForm, formset=BaseVariantFormSet, extra=1,
    can_delete=True, max_num=MAX_VARIANTS, validate_max=True,
    absolute_max=MAX_VARIANTS + 10)


class ImageForm(forms.Form):
    image = RasterImageFormField(label=_("Picture"),
                                 help_text=_("JPEG, PNG, GIF or WebP, at most "
                                             "20 MB."))
    alt_text = forms.CharField(label=_("Alt text"), required=False, max_length=200,
                               help_text=_("What the picture shows, for people "
                                           "who cannot see it."))


class ImageAltForm(forms.ModelForm):
    class Meta:
        model = ProductImage
        fields = ["alt_text"]


class StockPriceForm(forms.Form):
    variant = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    price = _money(_("Price (RM)"))
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=MAX_STOCK)
    stock_seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


StockPriceFormSet = forms.formset_factory(StockPriceForm, extra=0, max_num=500,
                                          validate_max=True, absolute_max=500)


class CategoryForm(forms.ModelForm):
    parent = CategoryChoiceField(label=_("Parent"), required=False,
                                 empty_label=_("(top level)"))

    class Meta:
        model = Category
        fields = ["name", "slug", "parent", "description", "is_active"]
        labels = {"is_active": _("Show in the shop")}
        help_texts = {"slug": _("Its web address; empty makes one from the "
                                "name.")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False


class TaxClassForm(forms.ModelForm):
    class Meta:
        model = TaxClass
        fields = ["code", "name", "kind", "rate"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rate"].validators.append(MaxValueValidator(Decimal("100")))
