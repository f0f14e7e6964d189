from django.apps import AppConfig


class ShopsettingsConfig(AppConfig):
    name = "kedai.shopsettings"
    label = "shopsettings"
    verbose_name = "Shop settings"
