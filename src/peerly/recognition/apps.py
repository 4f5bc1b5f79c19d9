from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    """Kudos, badges, certificates of completion and celebrations, for every programme kind
    (docs/recognition.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "peerly.recognition"
    verbose_name = "Recognition"

    def ready(self) -> None:
        from peerly.recognition import contributions

        contributions.register_builtin()
