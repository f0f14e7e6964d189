from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "kedai.invoicing"
    label = "invoicing"
    verbose_name = "Invoicing"

    def ready(self) -> None:
        from kedai.invoicing import subscribers
        from kedai.invoicing.services import (
            ATTACHMENT_SOURCE,
            MAIL_SOURCE,
            document_mail_render,
            document_pdf_bytes,
        )
        from kedai.notifications.attachments import attachment_source_register
        from kedai.notifications.rendering import renderer_register

        attachment_source_register(source=ATTACHMENT_SOURCE,
                                   loader=document_pdf_bytes)
        subscribers.register()
        renderer_register(source=MAIL_SOURCE, renderer=document_mail_render)
