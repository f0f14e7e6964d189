"""The one error hierarchy of Kedai.

Errors a shopper may see carry a translatable message; operational errors
(a gateway or carrier failing) are logged and retried instead.
"""


class ApplicationError(Exception):
    """A business rule refused the request; ``message`` is safe to show."""

    def __init__(self, message: str, *, code: str = "invalid", extra=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)
