from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "kedai.catalog"
    label = "catalog"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from kedai.catalog.search import SETTING
        from kedai.catalog.search.base import SearchBackend
        from kedai.core.registry import adapter_kind_register

        adapter_kind_register(setting=SETTING, port=SearchBackend)
