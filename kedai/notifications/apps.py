from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "kedai.notifications"
    label = "notifications"
    verbose_name = "Notifications"
