from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "kedai.customers"
    label = "customers"
    verbose_name = "Customers"
