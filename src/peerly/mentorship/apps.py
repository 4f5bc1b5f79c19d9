from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "peerly.mentorship"
    label = "mentorship"
