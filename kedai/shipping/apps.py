from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "kedai.shipping"
    label = "shipping"
    verbose_name = "Shipping"
