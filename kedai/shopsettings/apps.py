from django.apps import AppConfig


class ShopsettingsConfig(AppConfig):
    name = "kedai.shopsettings"
    label = "shopsettings"
    verbose_name = "Shop settings"

    def ready(self) -> None:
        # payments and invoicing sit below this app and must not import
        # it: plug the owner's switches and wording into them instead.
        from kedai.invoicing.wording import email_wording_source_register
        from kedai.payments.registry import owner_switches_register
        from kedai.shopsettings import selectors

        owner_switches_register(codes_offered=selectors.payment_codes_offered,
                                gateway_options=selectors.gateway_options)
        email_wording_source_register(selectors.email_wording_apply)
