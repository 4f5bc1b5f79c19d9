from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    """How a programme is evaluated: the KPI dictionary (`kpi.py`: every metric defined once,
    with the one function computing it), its definitions page, API and `peerly metrics`
    (docs/metrics.md). No models."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "peerly.evaluation"
    verbose_name = "Evaluation"
