from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "kedai.catalog"
    label = "catalog"
    verbose_name = "Catalogue"
