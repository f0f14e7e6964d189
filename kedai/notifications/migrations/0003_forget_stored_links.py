"""Remove live links stored before mail was rendered at send time.

Queued cart-link and sign-in-link tasks held their URL in clear in the
task table, and sent or failed outbox messages hold the order page link
in their text. Both are deleted / redacted (issue 13, defect 19); a
pending message keeps its text so it still goes out complete.
"""

import re

from django.db import migrations

OLD_TASKS = ["kedai.cart.tasks.send_cart_link",
             "kedai.customers.tasks.send_sign_in_link"]
LINK = re.compile(r"/(?:order|s|sign-in)/[A-Za-z0-9_-]{32}/[^\s\"'<>]*")
REDACTED = "[link removed: open it from the email]"


def forget(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path__in=OLD_TASKS).delete()
    Message = apps.get_model("notifications", "Message")
    for message in Message.objects.exclude(status__in=["pending", "sending"]).iterator():
        text = LINK.sub(REDACTED, message.body_text)
        html = LINK.sub(REDACTED, message.body_html)
        if (text, html) != (message.body_text, message.body_html):
            Message.objects.filter(pk=message.pk).update(body_text=text,
                                                         body_html=html)


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_message_render"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunPython(forget, migrations.RunPython.noop, elidable=True),
    ]
