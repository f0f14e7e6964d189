from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "kedai.promotions"
    label = "promotions"
    verbose_name = "Promotions"

    def ready(self) -> None:
        from kedai.promotions import signals, subscribers

        subscribers.register()
        signals.connect()
