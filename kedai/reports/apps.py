from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kedai.reports"
    label = "reports"
    verbose_name = "Sales and stock reports"

    def ready(self) -> None:
        from kedai.backoffice.dashboard import tile_provider_register
        from kedai.reports import checks  # noqa: F401 - registers the checks
        from kedai.reports.selectors import low_stock_tiles

        tile_provider_register(low_stock_tiles)
