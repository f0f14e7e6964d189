from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "kedai.cart"
    label = "cart"
    verbose_name = "Carts"

    def ready(self) -> None:
        from kedai.cart.services import LINK_MAIL_SOURCE, cart_link_render
        from kedai.notifications.rendering import renderer_register

        renderer_register(source=LINK_MAIL_SOURCE, renderer=cart_link_render)
