from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "kedai.orders"
    label = "orders"
    verbose_name = "Orders"
