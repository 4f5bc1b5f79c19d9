from django.apps import AppConfig


class CirclesConfig(AppConfig):
    name = "peerly.circles"
    label = "circles"

    def ready(self) -> None:
        from peerly.circles import jobs as circles_jobs
        from peerly.circles.kind import CircleKind
        from peerly.core import jobs
        from peerly.programs import kinds

        kinds.register(CircleKind())
        from peerly.circles import metrics
        from peerly.evaluation import kpi

        kpi.register(*metrics.METRICS)  # the kind's metrics in the KPI dictionary
        jobs.register(circles_jobs.JOB_KIND, circles_jobs.run_publish)
