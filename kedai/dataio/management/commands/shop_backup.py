"""manage.py shop_backup FILE: the back office's full backup, from a shell."""

from pathlib import Path

from django.core.management.base import BaseCommand

from kedai.dataio.backup import backup_write


class Command(BaseCommand):
    help = "Write a full backup (every table and the media files) to a ZIP file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        manifest = backup_write(file)
        self.stdout.write(f"{sum(manifest['tables'].values())} rows and "
                          f"{len(manifest['media'])} files written to {file}")
