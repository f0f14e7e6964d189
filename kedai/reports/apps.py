from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kedai.reports"
    label = "reports"
    verbose_name = "Sales and stock reports"

    def ready(self) -> None:
        from kedai.reports import checks  # noqa: F401 - registers the checks
