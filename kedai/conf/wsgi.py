"""WSGI entry point (gunicorn kedai.conf.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedai.conf.settings")
application = get_wsgi_application()


def _freeze_loaded_objects() -> None:
    """Keep what is loaded now (modules, settings, the URL patterns) out of
    the collector's later passes: they live as long as the process, and a
    full pass over them holds every thread of the worker for milliseconds
    (``gc.freeze``, https://docs.python.org/3/library/gc.html#gc.freeze)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loads the URLconf now
    gc.collect()
    gc.freeze()


_freeze_loaded_objects()
