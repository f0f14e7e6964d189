from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kedai.core"
    label = "core"
    verbose_name = "Kedai core"
