from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """Themes across a programme's goals and session topics, for its organisers: theme labels
    made of shared terms and counts of people and texts, never a text (docs/insights.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "peerly.insights"
    verbose_name = "Insights"
