from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "kedai.backoffice"
    label = "backoffice"
    verbose_name = "Back office"
