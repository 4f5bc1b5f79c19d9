from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "peerly.core"
    label = "core"
    verbose_name = "Peerly core"
