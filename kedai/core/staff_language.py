"""The back office's language: the one the staff member chose.

Storefront pages carry their language in the URL (``/ms/…``) and never a
cookie. The back office (``/office/``, ``/admin/``) has no prefix and may
use cookies, so it speaks the language chosen with its switch (Django's
``set_language`` view and language cookie), else the browser's
(Accept-Language), else the shop's default.
"""

from django.utils import translation

STAFF_PREFIXES = ("/office/", "/admin/")


class StaffLanguageMiddleware:
    """After LocaleMiddleware: re-activate the staff member's language on
    back-office requests (LocaleMiddleware chose the default there, as it
    does for every URL without a language prefix)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(STAFF_PREFIXES):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", language)
            return response
        return self.get_response(request)
