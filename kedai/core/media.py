"""Serving uploaded media from the shop's own origin, safely.

The shop's origin is also the back office's, signed in with cookies, so
nothing under ``/media/`` may run there. Every media response says
``X-Content-Type-Options: nosniff`` and carries a CSP that forbids all
content and sandboxes the document; anything that is not a raster
picture (a file restored from an old backup, say) is sent as an
``application/octet-stream`` download. Behind nginx or object storage,
send the same headers (docs/configuration.md, ``KEDAI_SERVE_MEDIA``).
"""

from django.conf import settings
from django.views.static import serve

RASTER_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
MEDIA_CSP = "default-src 'none'; sandbox"


def media_headers(response):
    """Make a media response inert; returns it."""
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    if response.status_code == 200 and content_type not in RASTER_TYPES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
        if "Content-Encoding" in response:
            del response["Content-Encoding"]
    return response


def media_serve(request, path):
    """``django.views.static.serve`` for MEDIA_ROOT, with media_headers."""
    return media_headers(serve(request, path, document_root=str(settings.MEDIA_ROOT)))
