from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "kedai.backoffice"
    label = "backoffice"
    verbose_name = "Back office"

    def ready(self) -> None:
        from kedai.backoffice import dashboard
        from kedai.backoffice.orders.selectors import payment_warnings

        dashboard.warning_provider_register(payment_warnings)
        # Shipping set-up warnings (sample or old rate cards, inactive
        # carriers, promises no method keeps), where that module exists.
        import importlib

        try:
            shipping_warnings = importlib.import_module("kedai.shipping.warnings")
        except ImportError:
            return
        provider = next((getattr(shipping_warnings, name) for name in (
            "shipping_warnings", "setup_warnings", "warnings_list", "warnings")
            if callable(getattr(shipping_warnings, name, None))), None)
        if provider is not None:
            dashboard.warning_provider_register(provider)
