from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "kedai.invoicing"
    label = "invoicing"
    verbose_name = "Invoicing"

    def ready(self) -> None:
        from kedai.invoicing import subscribers
        from kedai.invoicing.services import ATTACHMENT_SOURCE, document_pdf_bytes
        from kedai.notifications.attachments import attachment_source_register

        attachment_source_register(source=ATTACHMENT_SOURCE,
                                   loader=document_pdf_bytes)
        subscribers.register()
