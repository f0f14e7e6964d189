from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "kedai.shipping"
    label = "shipping"
    verbose_name = "Shipping"

    def ready(self) -> None:
        from kedai.shipping import checks  # noqa: F401 - registers the checks
