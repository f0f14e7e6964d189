from django.apps import AppConfig
from django.core import checks
from django.core.signals import request_finished
from django.db.models.signals import post_init, post_save


class CoreConfig(AppConfig):
    name = "kedai.core"
    label = "core"
    verbose_name = "Kedai core"

    def ready(self) -> None:
        from kedai.core.registry import check_adapters

        checks.register(check_adapters)

        from kedai.core import log_format, metrics

        request_finished.connect(log_format.request_id_clear,
                                 dispatch_uid="request-id-clear")

        # Metrics are an optional side effect: model signals (by label, so
        # core imports no domain app) keep them out of the domain services.
        post_save.connect(metrics.order_saved, sender="orders.Order",
                          dispatch_uid="metrics-order")
        post_init.connect(metrics.payment_loaded, sender="payments.Payment",
                          dispatch_uid="metrics-payment-init")
        post_save.connect(metrics.payment_saved, sender="payments.Payment",
                          dispatch_uid="metrics-payment")
