"""django-unfold hooks named in settings.UNFOLD (resolved per request)."""

from django.http import HttpRequest
from django.templatetags.static import static


def admin_stylesheet(request: HttpRequest) -> str:
    """The stylesheet for Kedai's own plain-form admin pages."""
    return static("shopsettings/admin.css")
