"""Template filters for money: ``{{ variant.price|money }}``."""

from decimal import Decimal

from django import template
from django.conf import settings
from django.utils import translation

from kedai.core.money import Money, format_money

register = template.Library()

# Babel locale per active Django language.
_LOCALES = {"en": "en_MY", "ms": "ms_MY"}


@register.filter
def money(value: Decimal | Money | None, currency: str | None = None) -> str:
    """Format an amount in the shop currency (``RM1,234.50``)."""
    if value is None or value == "":
        return ""
    locale = _LOCALES.get(translation.get_language() or "", settings.KEDAI_LOCALE)
    if isinstance(value, Money):
        return value.format(locale)
    return format_money(value, currency or settings.KEDAI_CURRENCY, locale)
