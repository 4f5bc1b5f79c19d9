"""The KPI dictionary: every metric defined once, with the one function that computes it.

A `Metric` says what a figure means (name, exact definition, unit, the programme kinds it
applies to, how unknowns count, the minimum number of people) and names its `compute`
function, which takes a programme (or None for the whole site) and today's date and returns a
`Figure`: the value and the number of people it is from. Callers never show `compute`'s raw
answer: `Metric.figure()` passes it through `core.aggregates.shown()`, so a figure of fewer
than MIN_PEOPLE people has no value (nor parts) at all.

Filters (issue 15, docs/metrics.md "Filters"): a metric declares the ones its `compute`
honours in `filters` (of FILTERS): SINCE, a date the period starts on instead of the metric's
own window start, passed as `since=`; TEAM, a team name, passed as `members=` (the queryset of
user ids `evaluation.scope.team_members` gives). Only the filters that are set are passed, so
a metric without filters keeps its plain `compute(program, today)`; a filter it does not
declare gives no figure, and `Shown.unavailable` says so.

The app that owns a metric's data defines it and registers it once in its AppConfig.ready()
(`register(*metrics)`), like the programme kinds; nothing is discovered by module name. The
definitions page (/metrics/), the API (/api/v1/metrics/definitions), `peerly metrics` and
docs/metrics.md all list `METRICS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import replace
from enum import Enum
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from peerly.core.aggregates import MIN_PEOPLE
from peerly.core.aggregates import shown
from peerly.programs import kinds

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from peerly.programs.models import Program


class Unit(Enum):
    """What a figure's value counts. `value` is the code in the API and the CLI."""

    PERCENT = "percent"  # 0-100
    PER_MEMBER = "per_member"  # a count divided by a number of members
    SCORE = "score"  # a score from -100 to 100 (NPS)
    MEAN_OF_5 = "mean_of_5"  # the mean of answers on a 1-5 scale
    DAYS = "days"  # a number of days

    @property
    def label(self) -> StrOrPromise:
        return UNIT_LABELS[self]


UNIT_LABELS: dict[Unit, StrOrPromise] = {
    Unit.PERCENT: gettext_lazy("per cent (0–100)"),
    Unit.PER_MEMBER: gettext_lazy("per member"),
    Unit.SCORE: gettext_lazy("score (−100 to 100)"),
    Unit.MEAN_OF_5: gettext_lazy("mean on a scale of 1 to 5"),
    Unit.DAYS: gettext_lazy("days"),
}


@dataclass(frozen=True)
class Figure:
    """One computed figure. `value` is in the metric's unit, None when there is nothing to
    compute (no goal is due yet) or, after `Metric.figure()`, when fewer than the metric's
    minimum of people are in it; `numerator`/`denominator` are the counts it was computed
    from (e.g. 3 achieved of 4 due), hidden with the value."""

    value: float | None
    people: int  # how many people the figure is from
    numerator: int | None = None
    denominator: int | None = None

    @property
    def too_few(self) -> bool:
        return self.people < MIN_PEOPLE


def day_start(day: dt.date) -> dt.datetime:
    """The site's local midnight at the start of `day`, aware (converted on that very date, so
    a DST change is honoured): where a metric's period of dates starts or ends on a datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def percent(part: int, whole: int) -> float | None:
    """`part` of `whole` in per cent, to one decimal; None when `whole` is 0 (no figure)."""
    return round(100 * part / whole, 1) if whole else None


Compute = Callable[..., Figure]  # (program, today, *, since=None, members=None) -> Figure

# The filters a metric may honour (`Metric.filters`). SINCE: the period starts on this date
# instead of the metric's own window start; its end stays the metric's own (today). TEAM: the
# people counted are only the members of one team as they let organisers see it
# (`evaluation.scope`); the 5-people rule applies to them alone.
SINCE = "since"
TEAM = "team"
FILTERS = frozenset({SINCE, TEAM})


@dataclass(frozen=True)
class Metric:
    key: str  # stable: the anchor on /metrics/, the API and CLI key
    name: StrOrPromise
    definition: StrOrPromise  # exact: what is counted, over which rows, as of when
    unit: Unit
    unknowns: StrOrPromise  # how rows with missing answers or dates count
    # compute(program or None for the whole site, today, *, since=None, members=None) -> raw
    # Figure; `since` and `members` (a queryset of user ids: a team's members) are passed only
    # when set and named in `filters`
    compute: Compute
    kinds: tuple[str, ...] = ()  # Program.kind codes it applies to; () = every kind
    min_people: int = MIN_PEOPLE
    filters: frozenset[str] = frozenset()  # of FILTERS: the ones `compute` honours

    def supports(self, *, since: dt.date | None = None, team: str | None = None) -> bool:
        """Whether the metric can be computed with these filters (None: not set)."""
        wanted = {f for f, v in ((SINCE, since), (TEAM, team)) if v is not None}
        return wanted <= self.filters

    def __post_init__(self) -> None:
        if self.min_people < MIN_PEOPLE:
            raise ValueError(f"{self.key}: no metric may be shown from fewer than {MIN_PEOPLE}")

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    def figure(
        self,
        *,
        program: Program | None = None,
        today: dt.date | None = None,
        since: dt.date | None = None,
        team: str | None = None,
    ) -> Figure:
        """The figure for `program` (None: the whole site), as it may be shown: without a value
        or parts when fewer than `min_people` people are in it. With a filter the metric does
        not support (`supports`), there is no figure at all (value None, 0 people)."""
        if not self.supports(since=since, team=team):
            return Figure(value=None, people=0)
        extra: dict[str, object] = {}
        if since is not None:
            extra["since"] = since
        if team is not None:
            from peerly.evaluation.scope import team_members

            extra["members"] = team_members(program, team)
        raw = self.compute(program, today or timezone.localdate(), **extra)
        people = raw.people if raw.people >= self.min_people else 0  # 0: below any minimum
        return replace(
            raw,
            value=shown(raw.value, people),
            numerator=shown(raw.numerator, people),
            denominator=shown(raw.denominator, people),
        )


@dataclass(frozen=True)
class Shown:
    """A metric with its figure, as a page shows it."""

    metric: Metric
    figure: Figure
    unavailable: bool = False  # a filter is set that the metric does not support

    @property
    def too_few(self) -> bool:
        """Fewer people than the metric's minimum: the page says "not shown"."""
        return self.figure.people < self.metric.min_people

    @property
    def text(self) -> str:
        """The value in its unit ("50 %", "1.5"), or "" when there is none to show."""
        value = self.figure.value
        if value is None:
            return ""
        if self.metric.unit is Unit.PERCENT:
            return f"{number_format(round(value), 0)} %"
        if self.metric.unit is Unit.DAYS:
            return ngettext("%(n)s day", "%(n)s days", round(value)) % {
                "n": number_format(round(value, 1), 1)
            }
        return str(number_format(round(value, 1), 1))


def figures(
    metrics: Iterable[Metric],
    *,
    program: Program | None = None,
    today: dt.date | None = None,
    since: dt.date | None = None,
    team: str | None = None,
) -> list[Shown]:
    """Each metric's figure for `program` (None: the whole site), as it may be shown, for the
    period from `since` (None: each metric's own window) to `today`, and only for the members
    of `team` (None: everyone). A metric that cannot honour a filter set is `unavailable`."""
    today = today or timezone.localdate()
    return [
        Shown(
            m,
            m.figure(program=program, today=today, since=since, team=team),
            unavailable=not m.supports(since=since, team=team),
        )
        for m in metrics
    ]


METRICS: dict[str, Metric] = {}


def register(*metrics: Metric) -> None:
    """Add metrics to the dictionary (once each: a key defined twice is a mistake)."""
    for metric in metrics:
        existing = METRICS.get(metric.key)
        if existing is not None and existing is not metric:
            raise ValueError(f"metric {metric.key!r} is defined twice")
        METRICS[metric.key] = metric


def get(key: str) -> Metric:
    """The metric called `key` (KeyError for an unknown key)."""
    return METRICS[key]


def registry() -> list[Metric]:
    """Every metric, in the order they were registered."""
    return list(METRICS.values())


def kind_labels(metric: Metric) -> list[StrOrPromise]:
    """The labels of the programme kinds `metric` applies to (all registered kinds for ())."""
    return [k.label for k in kinds.registry() if metric.applies_to(k.code)]


def for_kind(kind: str, metrics: Iterable[Metric] | None = None) -> list[Metric]:
    """The metrics (of `metrics`, default all) that apply to a programme of kind `kind`."""
    return [m for m in (registry() if metrics is None else metrics) if m.applies_to(kind)]
