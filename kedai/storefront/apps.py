from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "kedai.storefront"
    label = "storefront"
    verbose_name = "Storefront"
