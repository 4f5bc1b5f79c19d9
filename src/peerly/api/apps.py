from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "peerly.api"
    label = "api"
    verbose_name = "REST API"
