from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "kedai.payments"
    label = "payments"
    verbose_name = "Payments"
