"""The demo shop: a deterministic Malaysian catalogue for trying Kedai out.

:func:`demo_products` is a pure generator: the same ``seed`` always gives
the same names, slugs, SKUs, prices and stock, whatever else runs. The only
writer is :func:`demo_shop_load`, which stores a generated shop in one
transaction with bulk inserts, so 100,000 products load in well under two
minutes on SQLite. Pictures are drawn locally with Pillow; nothing is
downloaded.
"""
from kedai.catalog.demo.data import FEATURED_CATEGORIES, TREE
from kedai.catalog.demo.generate import (
    DEFAULT_PRODUCTS,
    DEFAULT_SEED,
    DemoCategory,
    DemoProduct,
    DemoSummary,
    DemoVariant,
    demo_categories,
    demo_products,
)
from kedai.catalog.demo.load import DemoShopError, demo_shop_load
from kedai.catalog.demo.pictures import demo_picture

__all__ = [
    "FEATURED_CATEGORIES", "TREE",
    "DEFAULT_PRODUCTS", "DEFAULT_SEED", "DemoCategory", "DemoProduct",
    "DemoShopError", "DemoSummary", "DemoVariant", "demo_categories",
    "demo_picture", "demo_products", "demo_shop_load",
]
