from kedai.core.exceptions import ApplicationError


class NotificationError(ApplicationError):
    """Base of the outbox's errors."""


class AttachmentError(NotificationError):
    """An attachment could not be produced (unknown source or key)."""
