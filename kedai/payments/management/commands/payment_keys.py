"""Gateway keys stored in the back office: a new KEDAI_SECRETS_KEY, and
re-encrypting every stored key after the key changed.

Rotation: put the new key in KEDAI_SECRETS_KEY and the previous one in
KEDAI_SECRETS_OLD_KEYS, run ``payment_keys rotate``, then drop the old key.
"""

from django.core.management.base import BaseCommand, CommandError

from kedai.payments.secrets import (
    SecretsUnavailable,
    secrets_key_generate,
    secrets_rotate,
)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["generate-key", "rotate"])

    def handle(self, *args, **options):
        if options["action"] == "generate-key":
            self.stdout.write(secrets_key_generate())
            return
        try:
            count = secrets_rotate()
        except SecretsUnavailable as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"{count} stored key(s) re-encrypted with KEDAI_SECRETS_KEY.")
