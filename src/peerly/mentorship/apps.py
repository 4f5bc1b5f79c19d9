from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "peerly.mentorship"
    label = "mentorship"

    def ready(self) -> None:
        from peerly.mentorship.kind import MentorshipKind
        from peerly.programs import kinds

        kinds.register(MentorshipKind())
