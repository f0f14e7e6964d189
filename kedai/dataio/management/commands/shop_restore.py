"""manage.py shop_restore FILE: restore a full backup into an empty shop."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kedai.dataio.backup import backup_restore
from kedai.dataio.exceptions import DataError


class Command(BaseCommand):
    help = "Restore a full backup into an empty shop (refused otherwise)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            with file.open("rb") as f:
                manifest = backup_restore(f)
        except (DataError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{sum(manifest['tables'].values())} rows and "
                          f"{len(manifest['media'])} files restored from {file}")
