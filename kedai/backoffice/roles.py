"""The two roles of the back office and their permissions."""

from django.contrib.auth.models import Group, Permission

OWNER, STAFF = "Owner", "Staff"
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    OWNER: ("use_backoffice", "manage_orders", "view_reports", "export_data",
            "import_data", "manage_settings"),
    STAFF: ("use_backoffice", "manage_orders", "view_reports"),
}


def roles_sync() -> None:
    """Create the Owner and Staff groups with exactly their permissions."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(
            content_type__app_label="backoffice", codename__in=codenames))
