from django.apps import AppConfig


class DataioConfig(AppConfig):
    name = "kedai.dataio"
    label = "dataio"
    verbose_name = "Data downloads and uploads"
