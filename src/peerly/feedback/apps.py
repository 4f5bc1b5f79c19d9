from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Feedback instruments shared by every programme kind: after-session feedback, pulse,
    NPS and exit surveys, anonymous, confidential or attributed (docs/feedback.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "peerly.feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from peerly.evaluation import kpi
        from peerly.feedback import metrics

        kpi.register(*metrics.METRICS)  # NPS and session usefulness in the KPI dictionary
