from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "kedai.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from kedai.core.registry import adapter_kind_register
        from kedai.payments import checks  # noqa: F401 - registers the checks
        from kedai.payments.ports import PaymentGateway

        adapter_kind_register(setting="KEDAI_PAYMENT_GATEWAYS", port=PaymentGateway)
