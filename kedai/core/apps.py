from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "kedai.core"
    label = "core"
    verbose_name = "Kedai core"

    def ready(self) -> None:
        from kedai.core.registry import check_adapters

        checks.register(check_adapters)
