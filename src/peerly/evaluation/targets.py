"""Targets: a programme's success measures as rows "metric, comparison, target, by date", the
metric chosen from the KPI dictionary (issue 15). The targets page shows each with its current
value, its trend (against the reading of about a month before) and whether it is on track.

- `set_target` / `remove_target`: the organiser's changes, atomic and audited. Setting the
  same metric and comparison again changes its value and date (one row each).
- `readings_for`: today's figure of each target's metric, stored once a day in
  `MetricReading` (the first page view or `peerly tick` of the day computes it; the rest read
  it), so the page does not recompute heavy metrics on every view.
- A figure from fewer than 5 people has no value: its target is "not shown", never on or off
  track.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peerly.core import audit
from peerly.core.errors import ServiceError
from peerly.evaluation import kpi
from peerly.evaluation.models import Comparison
from peerly.evaluation.models import MetricReading
from peerly.evaluation.models import Target
from peerly.programs.models import Program
from peerly.programs.models import ProgramStatus

MAX_TARGETS = 20  # per programme
TREND_DAYS = 28  # the trend compares with the reading at least this many days old
RANGES: dict[kpi.Unit, tuple[float, float]] = {
    kpi.Unit.PERCENT: (0, 100),
    kpi.Unit.PER_MEMBER: (0, 10_000),
    kpi.Unit.SCORE: (-100, 100),
    kpi.Unit.MEAN_OF_5: (1, 5),
    kpi.Unit.DAYS: (0, 3650),
}
STATUS_LABELS = {
    "on_track": gettext_lazy("On track"),
    "off_track": gettext_lazy("Off track"),
    "missed": gettext_lazy("Missed"),
    "not_shown": gettext_lazy("Not shown (fewer than 5 people)"),
}
STATUS_BADGES = {"on_track": "ok", "off_track": "warn", "missed": "bad", "not_shown": ""}


def metrics_for(program: Program) -> list[kpi.Metric]:
    """The metrics a target of `program` may use: those of the dictionary for its kind."""
    return kpi.for_kind(program.kind)


def _metric(program: Program, key: str) -> kpi.Metric:
    for metric in metrics_for(program):
        if metric.key == key:
            return metric
    raise ServiceError(_("Choose a metric of this programme's kind."), field="metric_key")


@transaction.atomic
def set_target(
    *,
    actor: Any,
    program: Program,
    metric_key: str,
    comparison: str,
    value: float,
    by_date: dt.date | None = None,
) -> Target:
    """Add a target, or change the value and date of the one with the same metric and
    comparison. Refused with a message naming the field, nothing saved."""
    metric = _metric(program, metric_key)
    if comparison not in Comparison.values:
        raise ServiceError(_("Choose “at least” or “at most”."), field="comparison")
    low, high = RANGES[metric.unit]
    if not low <= value <= high:
        raise ServiceError(
            _("The target must be between %(low)s and %(high)s %(unit)s.")
            % {"low": f"{low:g}", "high": f"{high:g}", "unit": metric.unit.label},
            field="value",
        )
    existing = (
        Target.objects.select_for_update()
        .filter(program=program, metric_key=metric_key, comparison=comparison)
        .first()
    )
    if existing is None:
        if Target.objects.filter(program=program).count() >= MAX_TARGETS:
            raise ServiceError(
                _("A programme has at most %(n)s targets.") % {"n": MAX_TARGETS}, field="metric_key"
            )
        try:
            with transaction.atomic():
                target = Target.objects.create(
                    program=program,
                    metric_key=metric_key,
                    comparison=comparison,
                    value=value,
                    by_date=by_date,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError:  # the same target added at the same moment: change that one
            target = Target.objects.select_for_update().get(
                program=program, metric_key=metric_key, comparison=comparison
            )
            target.value, target.by_date = value, by_date
            target.save(update_fields=["value", "by_date"])
        audit.record(actor=actor, action="target.set", obj=target, data=_data(target))
        return target
    existing.value, existing.by_date = value, by_date
    audit.saved(
        existing,
        actor=actor,
        action="target.set",
        update_fields=["value", "by_date"],
        data=_data(existing),
    )
    return existing


def _data(target: Target) -> dict[str, Any]:
    return {
        "metric": target.metric_key,
        "comparison": target.comparison,
        "value": target.value,
        "by_date": target.by_date.isoformat() if target.by_date else None,
    }


@transaction.atomic
def remove_target(*, actor: Any, program: Program, target_id: int) -> bool:
    """Remove one of `program`'s targets; False when there is no such target (already gone)."""
    target = Target.objects.select_for_update().filter(program=program, pk=target_id).first()
    if target is None:
        return False
    audit.record(actor=actor, action="target.remove", obj=target, data=_data(target))
    target.delete()
    return True


READING_MAX_AGE = dt.timedelta(hours=1)  # a reading older than this is computed again


def readings_for(
    program: Program,
    keys: list[str],
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> dict[str, MetricReading]:
    """Today's reading of each metric in `keys`: stored ones younger than READING_MAX_AGE are
    read (one query); missing or older ones are computed now and stored (the same row: one a
    day). Idempotent; two requests computing at once store the same figure."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    found = {
        r.metric_key: r
        for r in MetricReading.objects.filter(program=program, on=today, metric_key__in=keys)
    }
    fresh_after = now - READING_MAX_AGE
    for key in keys:
        if key not in kpi.METRICS:
            continue
        reading = found.get(key)
        if reading is not None and reading.computed_at and reading.computed_at > fresh_after:
            continue
        figure = kpi.get(key).figure(program=program, today=today)
        found[key], _created = MetricReading.objects.update_or_create(
            program=program,
            metric_key=key,
            on=today,
            defaults={"value": figure.value, "people": figure.people, "computed_at": now},
        )
    return found


def shown_today(
    program: Program, metrics: list[kpi.Metric], *, now: dt.datetime | None = None
) -> tuple[list[kpi.Shown], dt.datetime | None]:
    """The metrics' figures as the unfiltered evaluation pages show them: today's readings
    (`readings_for`), and the time the oldest of them was computed."""
    readings = readings_for(program, [m.key for m in metrics], now=now)
    shown = [
        kpi.Shown(
            m,
            kpi.Figure(value=readings[m.key].value, people=readings[m.key].people),
        )
        for m in metrics
    ]
    times = [r.computed_at for r in readings.values() if r.computed_at is not None]
    return shown, min(times, default=None)


def _earlier(program: Program, keys: list[str], today: dt.date) -> dict[str, MetricReading]:
    """Per metric, the newest reading at least TREND_DAYS old (one query)."""
    found: dict[str, MetricReading] = {}
    for reading in MetricReading.objects.filter(
        program=program,
        metric_key__in=keys,
        on__lte=today - dt.timedelta(days=TREND_DAYS),
        value__isnull=False,
    ).order_by("metric_key", "-on"):
        found.setdefault(reading.metric_key, reading)
    return found


def met(target: Target, value: float) -> bool:
    if target.comparison == Comparison.AT_LEAST:
        return value >= target.value
    return value <= target.value


def status_of(target: Target, value: float | None, today: dt.date) -> str:
    if value is None:
        return "not_shown"
    if met(target, value):
        return "on_track"
    if target.by_date is not None and target.by_date < today:
        return "missed"
    return "off_track"


@dataclass(frozen=True)
class TargetRow:
    target: Target
    metric: kpi.Metric | None  # None: a metric that is no longer in the dictionary
    current: MetricReading | None
    earlier: MetricReading | None
    status: str

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def badge(self) -> str:
        return STATUS_BADGES[self.status]

    def _text(self, value: float | None) -> str:
        if value is None or self.metric is None:
            return ""
        return kpi.Shown(self.metric, kpi.Figure(value=value, people=0)).text

    @property
    def current_text(self) -> str:
        return self._text(self.current.value if self.current else None)

    @property
    def target_text(self) -> str:
        return self._text(self.target.value)

    @property
    def change(self) -> float | None:
        """Current value minus the earlier reading's (None without both)."""
        if self.current is None or self.current.value is None or self.earlier is None:
            return None
        return round(self.current.value - (self.earlier.value or 0.0), 1)


def rows_for(program: Program, *, today: dt.date | None = None) -> list[TargetRow]:
    """The targets page's rows: a few queries plus one computation per metric a day."""
    today = today or timezone.localdate()
    targets = list(Target.objects.filter(program=program))
    keys = sorted({t.metric_key for t in targets})
    current = readings_for(program, keys, today=today)
    earlier = _earlier(program, keys, today)
    rows = []
    for target in targets:
        reading = current.get(target.metric_key)
        rows.append(
            TargetRow(
                target=target,
                metric=kpi.METRICS.get(target.metric_key),
                current=reading,
                earlier=earlier.get(target.metric_key),
                status=status_of(target, reading.value if reading else None, today),
            )
        )
    return rows


def tick(*, today: dt.date | None = None, now: dt.datetime | None = None) -> dict[str, int]:
    """For `peerly tick`: today's reading of every metric of every live programme (those that
    apply to its kind), computed again once older than READING_MAX_AGE, so the targets and
    the unfiltered evaluation pages read stored figures."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    computed = 0
    for program in Program.objects.filter(status=ProgramStatus.ACTIVE).order_by("pk"):
        keys = [m.key for m in kpi.for_kind(program.kind)]
        before = dict(
            MetricReading.objects.filter(program=program, on=today).values_list(
                "metric_key", "computed_at"
            )
        )
        after = readings_for(program, keys, today=today, now=now)
        computed += sum(1 for k, r in after.items() if before.get(k) != r.computed_at)
    return {"targets.readings": computed}
