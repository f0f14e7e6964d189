"""``manage.py load_rate_cards [file.csv ...]``: load carrier rate cards."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from kedai.shipping.services import rate_cards_load


class Command(BaseCommand):
    help = ("Load the rate card data files of kedai/shipping/data (or the "
            "files given); versions already loaded are skipped.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path)

    def handle(self, *args, paths: list[Path], **options) -> None:
        cards = rate_cards_load(paths=paths or None, actor="load_rate_cards")
        for card in cards:
            state = "active" if card.is_active else "inactive"
            self.stdout.write(f"Loaded {card} ({state}, {card.bands.count()} bands)")
        if not cards:
            self.stdout.write("Nothing new to load.")
