from django.apps import AppConfig


class GrowthConfig(AppConfig):
    """The member's own growth space, shared by every programme kind: goals with milestones
    and dated check-ins (docs/growth.md). Private to its owner."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "peerly.growth"
    verbose_name = "Growth"

    def ready(self) -> None:
        from peerly.evaluation import kpi
        from peerly.growth import metrics

        kpi.register(*metrics.METRICS)  # the growth metrics in the KPI dictionary
