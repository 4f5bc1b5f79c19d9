from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "peerly.notifications"
    label = "notifications"
    verbose_name = "Notifications"
