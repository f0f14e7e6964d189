from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "kedai.invoicing"
    label = "invoicing"
    verbose_name = "Invoicing"
