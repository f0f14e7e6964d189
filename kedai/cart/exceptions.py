from kedai.core.exceptions import ApplicationError


class CartError(ApplicationError):
    """A cart change was refused; the cart is unchanged."""


class CartNotFound(CartError):
    """No cart has this token."""


class CartExpired(CartError):
    """The cart was idle for longer than KEDAI_CART_TTL_DAYS."""
