from kedai.core.exceptions import ApplicationError


class ShopSettingsError(ApplicationError):
    """A settings change was refused; ``message`` is safe to show."""
