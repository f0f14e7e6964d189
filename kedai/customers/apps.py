from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "kedai.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from kedai.customers.services import LINK_MAIL_SOURCE, signin_link_render
        from kedai.notifications.rendering import renderer_register

        renderer_register(source=LINK_MAIL_SOURCE, renderer=signin_link_render)
