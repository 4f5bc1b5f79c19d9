from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    """How a programme is evaluated: the KPI dictionary (`kpi.py`: every metric defined once,
    with the one function computing it), its definitions page, API and `peerly metrics`
    (docs/metrics.md); the network figures (`network.py`), kept in one summary row per
    programme by a background job; the retention cohorts (`cohorts.py`) and their metric."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "peerly.evaluation"
    verbose_name = "Evaluation"

    def ready(self) -> None:
        from peerly.core import jobs
        from peerly.evaluation import cohorts
        from peerly.evaluation import kpi
        from peerly.evaluation import network

        kpi.register(*network.METRICS)
        kpi.register(cohorts.RETENTION)  # after the network metrics: the registry's order
        jobs.register(network.JOB_KIND, network.run_refresh)
