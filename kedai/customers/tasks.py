"""Background work for customers."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django_tasks import task


@task()
def send_sign_in_link(*, email: str, name: str, url: str, minutes: int) -> None:
    """Email a customer their one-time sign-in link."""
    body = render_to_string("customers/email_sign_in_link.txt",
                            {"name": name, "url": url, "minutes": minutes})
    send_mail(_("Your sign-in link"), body, None, [email])
