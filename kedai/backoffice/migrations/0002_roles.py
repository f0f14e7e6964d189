"""The Owner and Staff groups (frozen copy of kedai.backoffice.roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Owner": ("use_backoffice", "manage_orders", "view_reports", "export_data",
              "import_data", "manage_settings"),
    "Staff": ("use_backoffice", "manage_orders", "view_reports"),
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now.
    config = apps.get_app_config("backoffice")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(
            content_type__app_label="backoffice", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("backoffice", "0001_access"),
                    ("auth", "0012_alter_user_first_name_max_length"),
                    ("contenttypes", "0002_remove_content_type_name")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
