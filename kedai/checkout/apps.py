from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "kedai.checkout"
    label = "checkout"
    verbose_name = "Checkout"
