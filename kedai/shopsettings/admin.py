"""The settings rows in the admin, for looking and data repair only:
changes go through the settings pages (/office/settings/).

Also gives django.contrib.auth's users and groups the admin theme
(django-unfold styles only ModelAdmins built on its own base classes).
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from django.http import HttpRequest
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from kedai.shopsettings.models import EmailWording, NumberingStart, PaymentMethodSwitch

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin, ModelAdmin):
    pass


@admin.register(PaymentMethodSwitch)
class PaymentMethodSwitchAdmin(ModelAdmin):
    list_display = ["code", "enabled", "sandbox", "updated_by", "updated_at"]


@admin.register(EmailWording)
class EmailWordingAdmin(ModelAdmin):
    list_display = ["event", "subject", "updated_by", "updated_at"]
    readonly_fields = ["event", "subject", "intro", "footer", "updated_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Placeholders are checked by the settings page only.
        return False


@admin.register(NumberingStart)
class NumberingStartAdmin(ModelAdmin):
    list_display = ["series", "year", "last_value", "set_by", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
