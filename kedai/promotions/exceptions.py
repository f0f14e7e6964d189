from kedai.core.exceptions import ApplicationError


class VoucherError(ApplicationError):
    """A code cannot be used; ``message`` says why, for the shopper.

    Codes: ``invalid`` (not a code at all), ``unknown``, ``paused``,
    ``not_started``, ``expired``, ``used_up``, ``customer_limit``,
    ``min_spend``, ``not_eligible``, ``one_code``.
    """


class PromotionError(ApplicationError):
    """A back-office change to a promotion was refused (bad values)."""
