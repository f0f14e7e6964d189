"""factory_boy factories shared by the tests (and usable in a shell)."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from kedai.catalog.models import Category, Product, TaxClass, Variant


class TaxClassFactory(DjangoModelFactory):
    class Meta:
        model = TaxClass
        django_get_or_create = ("code",)

    code = "none"
    name = "No tax"
    rate = Decimal("0")


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    category = factory.SubFactory(CategoryFactory)
    description = "A fine thing."


class VariantFactory(DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    price = Decimal("10.00")
    stock = 10
    weight_grams = 500


def make_product(*, name="Batik shirt", category=None, variants=None,
                 description="Hand-drawn batik.", **kwargs) -> Product:
    """Create a product with variants and refresh its summary and index.

    ``variants`` is a list of dicts of Variant fields; one default variant
    when omitted.
    """
    from kedai.catalog.services import product_refresh

    product = ProductFactory(name=name, description=description,
                             category=category or CategoryFactory(), **kwargs)
    for i, fields in enumerate(variants or [{}]):
        VariantFactory(product=product, position=i, **fields)
    product_refresh(product_ids=[product.pk])
    return product


def flat_shipping(charge: str = "8.00") -> str:
    """A flat-rate shipping method to every zone, first in the list; returns
    its checkout code. (Migrations add the shop's defaults, but a
    transactional test's flush removes them, so tests make their own.)"""
    from kedai.shipping.models import ShippingMethod

    method, _created = ShippingMethod.objects.get_or_create(
        name="Flat rate", kind="flat",
        defaults={"zones": ["peninsular", "sabah", "sarawak", "labuan"],
                  "charge": Decimal(charge), "eta": "2-4 working days",
                  "position": 0})
    return method.code
