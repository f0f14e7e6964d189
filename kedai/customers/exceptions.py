from kedai.core.exceptions import ApplicationError


class CustomerError(ApplicationError):
    """A customer action that cannot be done; the message says why."""
