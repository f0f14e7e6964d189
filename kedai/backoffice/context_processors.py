"""Navigation of the back office, by what the signed-in user may do."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The office navigation, in order: (URL name, label, permission). An area
# adds one line here; one whose URLs are not there is skipped.
SECTIONS = (
    ("backoffice_orders:list", _("Orders"), "manage_orders"),
    ("backoffice_catalog:products", _("Catalogue"), "manage_settings"),
    ("reports:dashboard", _("Sales"), "view_reports"),
    ("reports:low_stock", _("Low stock"), "view_reports"),
    ("backoffice_promotions:overview", _("Promotions"), "view_reports"),
    ("dataio:home", _("Data"), "export_data"),
    ("backoffice_shipping:home", _("Shipping"), "manage_settings"),
    ("backoffice_mailbox:list", _("Mailbox"), "manage_settings"),
    ("shopsettings:home", _("Settings"), "manage_settings"),
)


def backoffice(request) -> dict:
    if not request.path.startswith("/office/") or not request.user.is_authenticated:
        return {}
    sections = []
    for name, label, permission in SECTIONS:
        if not request.user.has_perm(f"backoffice.{permission}"):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        sections.append({"url": url, "label": label,
                         "current": request.path.startswith(url)})
    return {"office_sections": sections}
