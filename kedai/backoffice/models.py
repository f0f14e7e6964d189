"""Back-office permissions, by role (ARCHITECTURE.md: owner and staff).

``Access`` has no table: it only carries the permissions that back-office
views check. The "Owner" and "Staff" groups get them in migration 0002;
staff accounts are added to a group in the admin.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Access(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("use_backoffice", _("Can use the back office")),
            ("manage_orders", _("Can fulfil, cancel and refund orders")),
            ("view_reports", _("Can see sales reports and stock alerts")),
            ("export_data", _("Can download the shop's data and backups")),
            ("import_data", _("Can upload data and restore backups")),
            ("manage_settings", _("Can change the shop's settings")),
        ]
        verbose_name = _("back-office access")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
