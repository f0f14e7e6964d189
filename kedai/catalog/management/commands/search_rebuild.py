"""``manage.py search_rebuild``: re-index every product for search."""

from django.core.management.base import BaseCommand

from kedai.catalog.search import get_search_backend


class Command(BaseCommand):
    help = "Rebuild the product search index from the catalogue."

    def handle(self, *args, **options) -> None:
        count = get_search_backend().rebuild()
        self.stdout.write(f"Indexed {count} products.")
