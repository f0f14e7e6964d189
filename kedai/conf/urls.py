"""Root URLs: the back office (admin) and the storefront.

Storefront pages are also served under ``/s/<token>/`` (see
kedai.storefront.middleware) and under a language prefix (``/ms/``) by
``i18n_patterns``; English, the default, has no prefix.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.utils.translation import gettext_lazy
from django.views.i18n import set_language

from kedai.backoffice.urls import AREAS
from kedai.backoffice.views import sign_in_throttled
from kedai.core.media import media_serve
from kedai.shopsettings.theme import theme_css, theme_favicon
from kedai.storefront.views import errors

admin.site.site_header = gettext_lazy("Kedai back office")
admin.site.site_title = gettext_lazy("Kedai back office")
admin.site.index_title = gettext_lazy("Shop administration")

urlpatterns: list[URLPattern | URLResolver] = [
    # The admin's sign-in shares the back office's throttle (SEC-19).
    path("admin/login/", sign_in_throttled(admin.site.login)),
    path("admin/", admin.site.urls),
    path("office/", include("kedai.backoffice.urls")),
    path("office/", include(AREAS)),
    path("office/api/", include("kedai.api.office_urls")),
    # The back office's language switch (Django's set_language sets a
    # cookie, so it lives under /office/, never on the storefront).
    path("office/language/", set_language, name="set_language"),
    # Payment gateways: hosted-page redirects, browser returns and callbacks.
    path("pay/", include("kedai.payments.urls")),
    # The JSON API (storefront and admin) and its OpenAPI document.
    path("api/", include("kedai.api.urls")),
    # Issued documents (invoices, receipts) of an order, by its token.
    path("", include("kedai.invoicing.urls")),
    path("", include("kedai.storefront.urls_public")),
    # The owner's colours and font (storefront pages link it with ?v=).
    path("theme.css", theme_css, name="theme_css"),
    path("favicon", theme_favicon, name="theme_favicon"),
]
urlpatterns += i18n_patterns(
    path("", include("kedai.storefront.urls")),
    path("", include("kedai.shopsettings.shop_urls")),
    prefix_default_language=False,
)
if settings.KEDAI_SERVE_MEDIA:
    # nosniff, a sandboxing CSP, and anything not a picture as a download.
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.*)$", media_serve))

handler404 = errors.not_found
handler500 = errors.server_error
handler403 = errors.forbidden
handler400 = errors.bad_request
