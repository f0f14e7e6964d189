"""Optional dependencies, installed as extras of the ``kedai`` package.

PostgreSQL (``kedai[postgres]``: psycopg), Redis (``kedai[redis]``) and the
Stripe gateway (``kedai[stripe]``) are needed only by the shops that
configure them. Code that needs one imports it when configured and, when
it is missing, fails with an error that names the extra to install.
"""

from __future__ import annotations

import importlib.util

from django.core.exceptions import ImproperlyConfigured


def require_extra(module: str, *, extra: str, needed_for: str) -> None:
    """Raise ImproperlyConfigured naming ``kedai[extra]`` if ``module``
    cannot be imported. Imports nothing itself."""
    if importlib.util.find_spec(module) is None:
        raise ImproperlyConfigured(
            f"{needed_for} needs the Python package {module!r}, which is not "
            f"installed: pip install \"kedai[{extra}]\"")
