from kedai.core.exceptions import ApplicationError


class DataError(ApplicationError):
    """An upload or a restore was refused; the message says why."""
