"""A second client for bench/storefront.py: places one order a second.

Run by the benchmark next to gunicorn, against the same database, while the
pages are measured (``--orders``): each order buys one unit of a variant
from the measured category, through the same service the checkout page
calls, so its stock change and catalogue invalidation are what a real sale
does. Prints the number of orders placed when stopped (SIGTERM).
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedai.conf.settings")
    django.setup()
    from django.conf import settings

    from kedai.cart import services as cart_services
    from kedai.catalog.models import Variant
    from kedai.checkout.placing import CheckoutDetails, checkout_complete
    from kedai.core.money import Money
    from kedai.customers.addressing import address_clean

    category_slug = sys.argv[1] if len(sys.argv) > 1 else ""
    interval = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    variants = Variant.objects.filter(is_active=True, product__is_active=True,
                                      stock__gt=1)
    if category_slug:
        variants = variants.filter(product__category__slug=category_slug) or variants
    ids = list(variants.values_list("id", flat=True)[:2000])
    address = address_clean(name="Bench Buyer", line1="1 Jalan Bench",
                            city="Kuala Lumpur", postcode="50450",
                            state_code="KUL", phone="012-345 6789")
    method = settings.KEDAI_PAYMENT_METHODS[0]
    rng, placed, failed, n = random.Random(1), 0, 0, 0
    while not stopping:
        started = time.monotonic()
        n += 1
        try:
            cart, _token = cart_services.cart_create()
            cart_services.cart_add_line(cart=cart, variant_id=rng.choice(ids),
                                        quantity=1)
            checkout_complete(cart=cart, checkout_key=f"bench-{os.getpid()}-{n}",
                              details=CheckoutDetails(
                                  email="bench@example.my", name="Bench Buyer",
                                  phone="+60123456789", billing=address,
                                  shipping=address, shipping_method="Flat rate",
                                  shipping_charge=Money("8.00"),
                                  payment_method=method))
            placed += 1
        except Exception as exc:  # noqa: BLE001 - a benchmark keeps going
            failed += 1
            print(f"order failed: {exc!r}", file=sys.stderr, flush=True)
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
    print(f"KEDAI-ORDERS placed={placed} failed={failed}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
