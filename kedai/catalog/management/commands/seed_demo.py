"""``manage.py seed_demo``: load the deterministic Malaysian demo shop."""

import time
from argparse import ArgumentTypeError

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kedai.catalog.demo import (
    DEFAULT_PRODUCTS,
    DEFAULT_SEED,
    DemoShopError,
    demo_shop_load,
)
from kedai.catalog.demo.load import demo_shop_vacuum


def _non_negative(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ArgumentTypeError(f"expected a whole number of 0 or more, not {value!r}")
    return number


class Command(BaseCommand):
    help = ("Load the demo shop (Kedai Nusantara): categories, products, "
            "variants, pictures and the front page. The same seed always "
            "gives the same shop.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=_non_negative,
                            default=DEFAULT_PRODUCTS, metavar="N",
                            help=f"number of products (default {DEFAULT_PRODUCTS})")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S",
                            help=f"random seed (default {DEFAULT_SEED})")
        parser.add_argument("--no-images", action="store_false", dest="images",
                            help="skip drawing product pictures (much faster)")
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--if-empty", action="store_true",
                          help="do nothing when the catalogue has products")
        when.add_argument("--flush", action="store_true",
                          help="delete the whole catalogue first")

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        try:
            summary = demo_shop_load(
                products=options["products"], seed=options["seed"],
                with_images=options["images"], flush=options["flush"],
            )
        except DemoShopError as exc:
            if exc.code == "catalog_not_empty" and options["if_empty"]:
                self.stdout.write("The catalogue already has products; "
                                  "demo shop not loaded.")
                return
            hint = " Use --flush to replace it." if exc.code == "catalog_not_empty" \
                else ""
            raise CommandError(f"{exc.message}{hint}") from exc
        demo_shop_vacuum(products=summary.products)
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"Demo shop loaded (seed {summary.seed}): {summary.categories} "
            f"categories, {summary.products} products, {summary.variants} "
            f"variants ({summary.out_of_stock} products out of stock), "
            f"{summary.images} pictures in {elapsed:.1f}s."
        ))
