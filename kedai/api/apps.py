from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kedai.api"
    label = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Webhooks out: the domain announces, the API listens (outbox rows
        # written in the event's transaction).
        from kedai.api import webhooks
        from kedai.catalog.events import ProductsChanged
        from kedai.core.events import subscribe
        from kedai.orders.events import OrderPlaced, OrderRefunded, OrderStatusChanged

        subscribe(OrderPlaced, lambda e: webhooks.order_placed(e.order))
        subscribe(OrderStatusChanged,
                  lambda e: webhooks.order_status_changed(e.order, e.status_to))
        subscribe(OrderRefunded, lambda e: webhooks.order_refunded(
            e.order, amount=e.amount, reason=e.reason))
        subscribe(ProductsChanged,
                  lambda e: webhooks.products_changed(list(e.product_ids)))
