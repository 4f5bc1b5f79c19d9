"""Summary rows of figures too heavy to compute on a page (`network.py`), a programme's
targets and the daily readings of their metrics (`targets.py`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy

from peerly.core.models import user_reference
from peerly.programs.models import Program


class NetworkSummary(models.Model):
    """A programme's network figures (`network.compute`), as of `computed_at`, from the
    history `source_key` describes. One row per programme, replaced by `network.refresh`."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="network_summary"
    )
    source_key = models.CharField(max_length=100)
    computed_at = models.DateTimeField()
    data = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"network of {self.program}"


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", gettext_lazy("at least")
    AT_MOST = "at_most", gettext_lazy("at most")


class Target(models.Model):
    """A programme's success measure, computable: "metric, comparison, target, by date", the
    metric from the KPI dictionary (evaluation/kpi.py). See `targets.py`."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="targets")
    metric_key = models.CharField(max_length=60)
    comparison = models.CharField(max_length=10, choices=Comparison.choices)
    value = models.FloatField()
    by_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = user_reference()

    class Meta:
        ordering = ["program", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "metric_key", "comparison"], name="target_once_per_metric"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.metric_key} {self.comparison} {self.value}"


class MetricReading(models.Model):
    """A metric's figure for a programme on one day (as shown: no value under 5 people), kept
    for the trend of the targets page and read by the unfiltered evaluation pages. One per
    programme, metric and day, recomputed during the day once it is older than an hour
    (`targets.readings_for`); the day's last figure stays."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    metric_key = models.CharField(max_length=60)
    on = models.DateField()
    value = models.FloatField(null=True, blank=True)
    people = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)  # None: before it was recorded

    class Meta:
        ordering = ["program", "metric_key", "-on"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "metric_key", "on"], name="metric_reading_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.metric_key} on {self.on}"
