from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "peerly.rounds"
    label = "rounds"
