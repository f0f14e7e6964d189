from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kedai.reports"
    label = "reports"
    verbose_name = "Sales and stock reports"
