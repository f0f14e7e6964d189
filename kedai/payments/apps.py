from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "kedai.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from kedai.payments import checks  # noqa: F401 - registers the checks
