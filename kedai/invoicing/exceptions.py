from kedai.core.exceptions import ApplicationError


class InvoicingError(ApplicationError):
    """Base of the invoicing errors."""


class DocumentImmutable(InvoicingError):
    """An issued document was about to be changed or deleted."""

    def __init__(self, message: str):
        super().__init__(message, code="immutable")
