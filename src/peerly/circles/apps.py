from django.apps import AppConfig


class CirclesConfig(AppConfig):
    name = "peerly.circles"
    label = "circles"
