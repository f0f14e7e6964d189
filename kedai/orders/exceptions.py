from kedai.core.exceptions import ApplicationError


class OrderError(ApplicationError):
    """An order change was refused; the order is unchanged."""
