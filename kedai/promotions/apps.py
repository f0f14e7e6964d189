from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "kedai.promotions"
    label = "promotions"
    verbose_name = "Promotions"

    def ready(self) -> None:
        from kedai.promotions import signals, subscribers
        from kedai.promotions.selectors import free_delivery_offers
        from kedai.shipping.warnings import free_delivery_source_register

        subscribers.register()
        signals.connect()
        # The shipping set-up's banner check counts promotions' thresholds.
        free_delivery_source_register(free_delivery_offers)
