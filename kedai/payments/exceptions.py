"""Payment errors: what a shopper may see, and what is only logged."""

from kedai.core.exceptions import ApplicationError


class PaymentError(ApplicationError):
    """A payment rule refused the request; the message is safe to show."""


class PaymentDeclined(PaymentError):
    """The gateway declined or the shopper cancelled; they may try again."""


class RefundError(PaymentError):
    """A refund was refused (too much, wrong state) or the gateway failed."""


class GatewayError(Exception):
    """The gateway could not be reached or answered nonsense.

    Operational: logged and retried, never shown verbatim to a shopper.
    Adapters translate every HTTP or provider failure into this.
    """


class CallbackRejected(Exception):
    """A callback or return failed verification; ``reason`` is logged.

    ``status`` is the HTTP status to answer with (400 for bad input, 403
    for a bad signature, 404 for an unknown payment).
    """

    def __init__(self, reason: str, *, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
