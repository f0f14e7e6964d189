from decimal import Decimal

from django import template

from kedai.core.money import format_money

register = template.Library()


@register.filter
def money(value: str, currency: str) -> str:
    """``"12.50"|money:"MYR"`` → ``RM12.50``."""
    return format_money(Decimal(value), currency)
