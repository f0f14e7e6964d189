from kedai.core.exceptions import ApplicationError


class NotificationError(ApplicationError):
    """Base of the outbox's errors."""


class AttachmentError(NotificationError):
    """An attachment could not be produced (unknown source or key)."""


class RenderError(NotificationError):
    """A message's text could not be produced (unknown source, bad args)."""


class MessageObsolete(NotificationError):
    """What the message is about is gone (cart checked out, sign-in link
    used or expired): it is not sent, and not retried."""


class SealError(NotificationError):
    """Sealed text that no configured key opens (tampered, or the key it
    was sealed with is no longer in SECRET_KEY / SECRET_KEY_FALLBACKS)."""
