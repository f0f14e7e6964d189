"""Names of coded values: ``{{ order.payment_method|payment_method }}``."""

from django import template

from kedai.core.labels import payment_method_label

register = template.Library()


@register.filter(name="payment_method")
def payment_method(code: str | None) -> str:
    """The shown name of a payment method code (see kedai.core.labels)."""
    return payment_method_label(code or "")
