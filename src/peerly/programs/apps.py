from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "peerly.programs"
    label = "programs"
    verbose_name = "Programmes and enrolment"
