from kedai.core.exceptions import ApplicationError


class CheckoutError(ApplicationError):
    """The order cannot be placed; nothing was changed."""


class OutOfStock(CheckoutError):
    """An item sold out (or dropped below the wanted quantity) meanwhile."""


class TotalChanged(CheckoutError):
    """The total differs from the one the shopper accepted; ask again."""
