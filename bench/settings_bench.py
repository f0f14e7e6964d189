"""Kedai's production settings plus one extra URL, ``/__ceiling__/``.

Used only by bench/storefront.py: every measured page, the ceiling
included, is served by the same gunicorn with these settings, so the
ceiling goes through exactly the same middleware as the storefront.
"""

from kedai.conf.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ceiling_urls"
