"""System checks for the reports settings."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_low_stock_settings(app_configs, **kwargs) -> list[Error]:
    errors = []
    threshold = getattr(settings, "KEDAI_LOW_STOCK_THRESHOLD", 5)
    if not isinstance(threshold, int) or threshold < 0:
        errors.append(Error("KEDAI_LOW_STOCK_THRESHOLD must be a whole number of "
                            "0 or more.", id="reports.E001"))
    hour = getattr(settings, "KEDAI_LOW_STOCK_DIGEST_HOUR", 8)
    if not isinstance(hour, int) or not 0 <= hour <= 23:
        errors.append(Error("KEDAI_LOW_STOCK_DIGEST_HOUR must be an hour from 0 "
                            "to 23.", id="reports.E002"))
    return errors
