"""Background work for carts."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django_tasks import task


@task()
def send_cart_link(*, email: str, url: str) -> None:
    """Email a shopper the link that reopens their cart."""
    body = render_to_string("cart/email_cart_link.txt", {"url": url})
    send_mail(_("Your cart link"), body, None, [email])
