from kedai.core.exceptions import ApplicationError


class ReportsError(ApplicationError):
    """A report setting was refused; nothing was changed."""
