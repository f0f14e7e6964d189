from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "kedai.cart"
    label = "cart"
    verbose_name = "Carts"
