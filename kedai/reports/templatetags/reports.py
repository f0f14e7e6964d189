"""Template filters of the reports pages."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def change(value: Decimal | None) -> str:
    """A change in per cent for people: ``+12.5%``, ``−3.0%``, ``0.0%``, ``—``."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{number_format(abs(value), 1)}%"


@register.filter
def trend(value: Decimal | None) -> str:
    """``up``, ``down`` or ``flat``, for a CSS class."""
    if not value:
        return "flat"
    return "up" if value > 0 else "down"
