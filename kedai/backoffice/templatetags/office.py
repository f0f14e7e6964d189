"""Template filters of the back office: ``{{ payment.gateway|gateway_name }}``.

Amounts use the shared ``money`` filter (``{% load money %}``:
``RM1,234.50``).
"""

from django import template

from kedai.payments.refunds import gateway_short_name

register = template.Library()


@register.filter
def gateway_name(code: str) -> str:
    """A payment method's short name: ``billplz`` → ``Billplz``."""
    return gateway_short_name(str(code or "")) if code else ""
