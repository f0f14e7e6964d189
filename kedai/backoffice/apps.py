from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "kedai.backoffice"
    label = "backoffice"
    verbose_name = "Back office"

    def ready(self) -> None:
        from kedai.backoffice import dashboard
        from kedai.backoffice.orders.selectors import payment_warnings

        dashboard.warning_provider_register(payment_warnings)
        # Shipping set-up warnings: sample or old rate cards, inactive
        # carriers, promises no method keeps.
        from kedai.shipping.warnings import setup_warnings

        dashboard.warning_provider_register(setup_warnings)
