from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "kedai.shipping"
    label = "shipping"
    verbose_name = "Shipping"

    def ready(self) -> None:
        from kedai.core.registry import adapter_kind_register
        from kedai.shipping import checks  # noqa: F401 - registers the checks
        from kedai.shipping.ports import RateProvider

        adapter_kind_register(setting="KEDAI_RATE_PROVIDERS", port=RateProvider)
