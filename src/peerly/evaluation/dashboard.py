"""The dashboards' data (issue 15): a programme's dashboard (headline figures of the KPI
dictionary, its targets, a chart per kind with a table of the same figures, the mentorship
funnel) and the overview across programmes, for a period (`since` to `today`) and a team.

Every figure is a cell of a `Table`: what the page shows (`text`) and what the CSV and JSON
exports hold (`value`), made once, so the page and the exports cannot disagree. Figures from
fewer than MIN_PEOPLE people have no value; a metric that cannot honour a filter is "not
available", never an unfiltered number. Counts and dates only, never a text anyone wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peerly.core.aggregates import MIN_PEOPLE
from peerly.evaluation import charts
from peerly.evaluation import kpi
from peerly.evaluation import scope
from peerly.evaluation import targets
from peerly.programs import kinds
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import ProgramKind

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from peerly.programs.models import Program


# ---------------------------------------------------------------------------- tables
@dataclass(frozen=True)
class Cell:
    value: Any  # what the exports hold: a number, a code, a date as ISO text, or None
    text: str  # what the page shows
    href: str = ""

    @property
    def data(self) -> str:
        """The value as the page's `data-value` attribute (and the CSV cell) hold it."""
        return "" if self.value is None else str(self.value)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    href: str = ""  # the definition of the column's metric


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    columns: list[Column]
    rows: list[list[Cell]]

    def records(self) -> list[dict[str, Any]]:
        """The rows as the JSON export holds them: column key -> value."""
        return [
            {c.key: cell.value for c, cell in zip(self.columns, row, strict=True)}
            for row in self.rows
        ]


def definition_url(key: str) -> str:
    return f"{reverse('evaluation:definitions')}#{key}"


def _count(n: int) -> Cell:
    return Cell(n, str(number_format(n)))


def _percent(value: float | None, *, blank: str = "—") -> Cell:
    if value is None:
        return Cell(None, blank)
    return Cell(value, f"{number_format(round(value), 0)} %")


def _people(n: int) -> Cell:
    return Cell(n, ngettext("%(n)s person", "%(n)s people", n) % {"n": n})


def _days(value: float | None) -> Cell:
    if value is None:
        return Cell(None, "—")
    text = ngettext("%(n)s day", "%(n)s days", round(value)) % {
        "n": number_format(round(value, 1), 1)
    }
    return Cell(value, text)


def _month_label(month: dt.date) -> str:
    return date_format(month, "M Y")


# --------------------------------------------------------------------------- filters
@dataclass(frozen=True)
class Filters:
    today: dt.date  # the period's last day ("to")
    since: dt.date | None = None  # its first day ("from"); None: each figure's own window
    team: str | None = None  # a team of `scope.team_choices`; None: everyone

    @property
    def stored(self) -> bool:
        """No filter and up to today: the figures are today's stored readings (computed at
        most an hour ago, `targets.readings_for`), the same as the targets show."""
        return self.since is None and self.team is None and self.today == timezone.localdate()

    def members(self, program: Program | None) -> QuerySet[Any, int] | None:
        return None if self.team is None else scope.team_members(program, self.team)

    def as_dict(self) -> dict[str, str | None]:
        return {
            "from": self.since.isoformat() if self.since else None,
            "to": self.today.isoformat(),
            "team": self.team,
        }


# ------------------------------------------------------------------ headline figures
def headline(
    metrics: Sequence[kpi.Metric], *, program: Program | None, filters: Filters
) -> tuple[list[kpi.Shown], dt.datetime | None]:
    """The metrics' figures for the filters, and when they were computed: unfiltered, today's
    stored readings (as of the oldest's time); filtered, computed now (None)."""
    if program is not None and filters.stored:
        return targets.shown_today(program, list(metrics))
    shown = kpi.figures(
        metrics, program=program, today=filters.today, since=filters.since, team=filters.team
    )
    return shown, None


def figures_table(
    metrics: Sequence[kpi.Metric],
    *,
    program: Program | None,
    filters: Filters,
    shown: list[kpi.Shown] | None = None,
) -> Table:
    rows = []
    if shown is None:
        shown, _as_of = headline(metrics, program=program, filters=filters)
    for row in shown:
        metric = row.metric
        if row.unavailable:
            value, people, note = (
                Cell(None, "—"),
                Cell(None, ""),
                Cell("unavailable", _("Not available with these filters")),
            )
        elif row.too_few:
            value, people, note = (
                Cell(None, "—"),
                Cell(None, ""),
                Cell(
                    "too_few",
                    ngettext(
                        "Not shown: fewer than %(n)s person",
                        "Not shown: fewer than %(n)s people",
                        metric.min_people,
                    )
                    % {"n": metric.min_people},
                ),
            )
        elif row.figure.value is None:
            value, people, note = (
                Cell(None, "—"),
                _people(row.figure.people),
                Cell("no_data", _("Nothing to count yet")),
            )
        else:
            value, people, note = (
                Cell(row.figure.value, row.text),
                _people(row.figure.people),
                Cell("", ""),
            )
        rows.append(
            [
                Cell(metric.key, str(metric.name), href=definition_url(metric.key)),
                value,
                people,
                note,
            ]
        )
    return Table(
        key="figures",
        caption=_(
            "Each figure as the metrics page defines it (follow its name), for the period and "
            "team chosen. None is shown from fewer than 5 people."
        ),
        columns=[
            Column("metric", _("Metric")),
            Column("value", _("Figure")),
            Column("people", _("People")),
            Column("note", _("Note")),
        ],
        rows=rows,
    )


def targets_table(program: Program) -> Table:
    """The targets page's rows (today's figures, without filters)."""
    rows = []
    for row in targets.rows_for(program):
        metric = row.metric
        name = str(metric.name) if metric else row.target.metric_key
        current = row.current.value if row.current else None
        rows.append(
            [
                Cell(
                    row.target.metric_key,
                    name,
                    href=definition_url(metric.key) if metric else "",
                ),
                Cell(
                    row.target.value,
                    f"{row.target.get_comparison_display()} {row.target_text}",
                ),
                Cell(
                    row.target.by_date.isoformat() if row.target.by_date else None,
                    date_format(row.target.by_date, "DATE_FORMAT") if row.target.by_date else "—",
                ),
                Cell(current, row.current_text or "—"),
                Cell(row.status, row.status_label),
            ]
        )
    return Table(
        key="targets",
        caption=_(
            "The programme's targets with today's figures, whatever the filters (the Targets "
            "page has their trend)."
        ),
        columns=[
            Column("metric", _("Metric")),
            Column("target", _("Target")),
            Column("by", _("By")),
            Column("now", _("Now")),
            Column("status", _("Status")),
        ],
        rows=rows,
    )


# ------------------------------------------------------------------- series per kind
@dataclass
class Series:
    table: Table
    chart: str
    caption: str
    note: str = ""  # what the filters do not apply to


def coffee_series(program: Program, filters: Filters) -> Series:
    """Per round published in the period: participants, matched, met and report rates
    (rounds.reports.program_figures); a rate of a round with fewer than 5 people matched is
    not shown."""
    from peerly.rounds import reports

    rows = []
    for r in reports.program_figures(program):
        day = timezone.localdate(r["published_at"])
        if day > filters.today or (filters.since is not None and day < filters.since):
            continue
        if r["matched"] < MIN_PEOPLE:
            r = {**r, "met_rate": None, "report_rate": None}
        rows.append(r)
    table_rows = []
    for r in rows:
        blank = _("in progress") if r["in_progress"] else "—"
        met = None if r["met_rate"] is None else round(100 * r["met_rate"], 1)
        rep = None if r["report_rate"] is None else round(100 * r["report_rate"], 1)
        table_rows.append(
            [
                Cell(r["number"], _("Round %(n)s") % {"n": r["number"]}),
                _count(r["participants"]),
                _count(r["matched"]),
                _percent(met, blank=blank),
                _percent(rep, blank=blank),
                _people(r["matched"]),
            ]
        )
    table = Table(
        key="series",
        caption=_(
            "Per round published in the period. Met rate: groups where someone answered "
            "“all” or “some” ÷ groups; report rate: groups with any answer ÷ groups. No rate "
            "is shown for a round with fewer than 5 people matched, nor while its meeting "
            "window is open."
        ),
        columns=[
            Column("round", _("Round")),
            Column("participants", _("Participants")),
            Column("matched", _("Matched")),
            Column("met_rate", _("Met rate"), href=definition_url("met_rate")),
            Column("report_rate", _("Report rate")),
            Column("people", _("People")),
        ],
        rows=table_rows,
    )
    return Series(
        table=table,
        chart=reports.chart_svg(rows),
        caption=_(
            "Bars: participants and matched members per round. Lines: met rate and report "
            "rate (%). The table below has the same figures."
        ),
        note=_("The team filter does not apply to the rounds: they are the whole programme's.")
        if filters.team
        else "",
    )


def circles_series(program: Program, filters: Filters) -> Series:
    from peerly.circles import series

    members = filters.members(program)
    by = series.choose_by(program, today=filters.today, since=filters.since, members=members)
    points = series.points(
        program, today=filters.today, since=filters.since, members=members, by=by
    )

    def label(p: series.Point) -> str:
        if p.by == series.BY_SEASON:
            return _("Season %(n)s") % {"n": p.key}
        return _month_label(p.key)  # type: ignore[arg-type]

    table_rows = [
        [
            Cell(p.key.isoformat() if isinstance(p.key, dt.date) else p.key, label(p)),
            _count(p.scheduled),
            _count(p.held),
            _percent(p.completion),
            _count(p.expected),
            _count(p.present),
            _percent(p.attendance),
            _people(p.people),
        ]
        for p in points
    ]
    period = _("Season") if by == series.BY_SEASON else _("Month")
    table = Table(
        key="series",
        caption=_(
            "Per %(period)s: past sessions scheduled (cancelled ones left out) and held, and "
            "the attendance recorded for them. No rate is shown from fewer than 5 people."
        )
        % {"period": period.lower()},
        columns=[
            Column(by, period),
            Column("scheduled", _("Sessions scheduled")),
            Column("held", _("Held")),
            Column(
                "session_completion",
                _("Session completion"),
                href=definition_url("session_completion"),
            ),
            Column("recorded", _("Attendance recorded")),
            Column("present", _("Present")),
            Column("attendance", _("Attendance"), href=definition_url("attendance")),
            Column("people", _("People")),
        ],
        rows=table_rows,
    )
    chart = charts.series_svg(
        "circles",
        labels=[label(p) for p in points],
        bars=[
            (_("sessions scheduled"), [p.scheduled for p in points]),
            (_("held"), [p.held for p in points]),
        ],
        lines=[
            (_("session completion %"), [p.completion for p in points]),
            (_("attendance %"), [p.attendance for p in points]),
        ],
        title=_("Sessions and attendance per %(period)s") % {"period": period.lower()},
        counts_label=_("sessions"),
    )
    return Series(
        table=table,
        chart=chart,
        caption=_(
            "Bars: sessions scheduled and held. Lines: session completion and attendance (%). "
            "The table below has the same figures."
        ),
    )


def mentorship_series(program: Program, filters: Filters) -> Series:
    from peerly.mentorship import series

    members = filters.members(program)
    points = series.points(program, today=filters.today, since=filters.since, members=members)
    reviews = series.has_reviews(program)
    table_rows = []
    for p in points:
        row = [
            Cell(p.month.isoformat(), _month_label(p.month)),
            _count(p.applications),
            _count(p.matched),
            _count(p.active),
            _percent(p.report_rate, blank="—" if p.complete else _("month not over")),
            _days(p.match_days),
        ]
        if reviews:
            row.append(
                Cell(
                    p.review_mean, "—" if p.review_mean is None else number_format(p.review_mean, 1)
                )
            )
        row.append(_people(p.people))
        table_rows.append(row)
    columns = [
        Column("month", _("Month")),
        Column("applications", _("Applications")),
        Column("matched", _("Matched")),
        Column("active", _("Mentorships running")),
        Column("report_rate", _("Report rate"), href=definition_url("report_rate")),
        Column("time_to_match", _("Time to match (median)"), href=definition_url("time_to_match")),
    ]
    if reviews:
        columns.append(Column("review_mean", _("Review rating (mean, 1–5)")))
    columns.append(Column("people", _("People")))
    table = Table(
        key="series",
        caption=_(
            "Per month: applications made, mentees matched (first mentor assigned), "
            "mentorships running, the share of those with a monthly report, and the median "
            "days to match of the mentees matched that month. No rate, median or mean is "
            "shown from fewer than 5 people."
        ),
        columns=columns,
        rows=table_rows,
    )
    chart = charts.series_svg(
        "mentorship",
        labels=[_month_label(p.month) for p in points],
        bars=[
            (_("applications"), [p.applications for p in points]),
            (_("matched"), [p.matched for p in points]),
            (_("running"), [p.active for p in points]),
        ],
        lines=[(_("report rate %"), [p.report_rate for p in points])],
        title=_("Applications, matches and mentorships per month"),
        counts_label=_("mentorships"),
    )
    return Series(
        table=table,
        chart=chart,
        caption=_(
            "Bars: applications, mentees matched and mentorships running per month. Line: "
            "the monthly report rate (%). The table below has the same figures."
        ),
    )


def funnel(program: Program, filters: Filters) -> Series:
    from peerly.mentorship import series

    stages = series.funnel(
        program, today=filters.today, since=filters.since, members=filters.members(program)
    )
    labels = {
        "applied": _("Applied"),
        "matched": _("Matched"),
        "accepted": _("Accepted by the mentor"),
        "active": _("Active (orientation done)"),
        "completed": _("Completed"),
    }
    table = Table(
        key="funnel",
        caption=_(
            "Of the applications made in the period, how many have reached each stage. The "
            "share of applications is not shown from fewer than 5 people."
        ),
        columns=[
            Column("stage", _("Stage")),
            Column("count", _("Mentorships")),
            Column("share", _("Of applications")),
            Column("people", _("People")),
        ],
        rows=[
            [
                Cell(s.key, labels[s.key]),
                _count(s.count),
                _percent(s.share),
                _people(s.people),
            ]
            for s in stages
        ],
    )
    return Series(
        table=table,
        chart=charts.funnel_svg(
            [(labels[s.key], s.count) for s in stages], title=_("Mentorship funnel")
        ),
        caption=_("Mentorships that reached each stage. The table below has the same figures."),
    )


SERIES = {
    ProgramKind.COFFEE.value: coffee_series,
    ProgramKind.CIRCLE.value: circles_series,
    ProgramKind.MENTORSHIP.value: mentorship_series,
}


# ------------------------------------------------------------------------- dashboard
@dataclass
class Dashboard:
    program: Program
    filters: Filters
    figures: Table
    targets: Table
    series: Series | None
    funnel: Series | None
    cohorts: Any = None  # evaluation.cohorts.CohortTable
    as_of: dt.datetime | None = None  # the headline figures' time, when they are stored ones

    @property
    def tables(self) -> list[Table]:
        """Every table the page shows, for the exports (the cohorts' as a Table too)."""
        found = [self.figures, self.targets]
        found += [s.table for s in (self.series, self.funnel) if s is not None]
        if self.cohorts is not None:
            found.append(cohorts_table(self.cohorts))
        return found


def cohorts_table(cohorts: Any) -> Table:
    """evaluation.cohorts' CohortTable (shown by its own partial) as a Table for the exports:
    the cohort's size and its share still taking part after each number of months (None: not
    yet known, or fewer than 5 people)."""
    months = list(cohorts.months)
    return Table(
        key="cohorts",
        caption="",
        columns=[
            Column("month", _("Joined in")),
            Column("members", _("Members")),
            *(
                Column(
                    f"after_{k}_months",
                    ngettext("After %(n)s month", "After %(n)s months", k) % {"n": k},
                )
                for k in months
            ),
        ],
        rows=[
            [
                Cell(row.month.isoformat(), _month_label(row.month)),
                Cell(row.size, "" if row.size is None else str(row.size)),
                *(_percent(cell.share) for cell in row.cells),
            ]
            for row in cohorts.rows
        ],
    )


def _cohorts(program: Program, filters: Filters) -> Any:
    try:
        from peerly.evaluation import cohorts
    except ImportError:  # helper module not there (yet)
        return None
    return cohorts.cohort_table(
        program, today=filters.today, since=filters.since, team=filters.team
    )


def program_dashboard(program: Program, filters: Filters) -> Dashboard:
    make_series = SERIES.get(program.kind)
    metrics = kpi.for_kind(program.kind)
    shown, as_of = headline(metrics, program=program, filters=filters)
    return Dashboard(
        program=program,
        filters=filters,
        figures=figures_table(metrics, program=program, filters=filters, shown=shown),
        as_of=as_of,
        targets=targets_table(program),
        series=make_series(program, filters) if make_series else None,
        funnel=funnel(program, filters) if program.kind == ProgramKind.MENTORSHIP else None,
        cohorts=_cohorts(program, filters),
    )


# -------------------------------------------------------------------------- overview
OVERVIEW_METRICS = (
    "met_rate",
    "attendance",
    "nps",
    "goal_attainment",
    "active_after_3_rounds",
    "retention_3_months",
)
TAKING_PART = (EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED)


def taking_part(programs: Sequence[Program]) -> dict[int, int]:
    """Members taking part (active or paused) per programme (1 query)."""
    return dict(
        Enrollment.objects.filter(program__in=list(programs), status__in=TAKING_PART)
        .order_by()
        .values("program_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("program_id", "n")
    )


def overview_table(programs: Sequence[Program], filters: Filters) -> Table:
    """One row per programme: its kind, members taking part and the overview's metrics (those
    the kind has; "—" for the others), each cell a link to the programme's dashboard."""
    metrics = [kpi.METRICS[key] for key in OVERVIEW_METRICS if key in kpi.METRICS]
    counts = taking_part(programs)
    rows = []
    for program in programs:
        url = reverse("evaluation:dashboard", kwargs={"slug": program.slug})
        kind = kinds.get(program.kind)
        n = counts.get(program.pk, 0)
        row = [
            Cell(program.slug, program.name, href=url),
            Cell(program.kind, str(kind.label) if kind else program.kind),
            Cell(n, str(number_format(n)), href=url)
            if n >= MIN_PEOPLE
            else Cell(None, _("fewer than 5"), href=url),
        ]
        applicable = [m for m in metrics if m.applies_to(program.kind)]
        shown = {s.metric.key: s for s in headline(applicable, program=program, filters=filters)[0]}
        for metric in metrics:
            s = shown.get(metric.key)
            if s is None:
                row.append(Cell(None, "—"))
            elif s.unavailable:
                row.append(Cell(None, _("Not available with these filters"), href=url))
            elif s.too_few:
                row.append(Cell(None, _("fewer than 5"), href=url))
            elif s.figure.value is None:
                row.append(Cell(None, "—", href=url))
            else:
                row.append(Cell(s.figure.value, s.text, href=url))
        rows.append(row)
    return Table(
        key="overview",
        caption=_(
            "Each programme's figures for the period chosen; follow a figure to the "
            "programme's dashboard, a heading to the metric's definition. “—”: the kind has no "
            "such figure, or nothing to count yet. None is shown from fewer than 5 people."
        ),
        columns=[
            Column("programme", _("Programme")),
            Column("kind", _("Kind")),
            Column("taking_part", _("Members taking part")),
            *(Column(m.key, str(m.name), href=definition_url(m.key)) for m in metrics),
        ],
        rows=rows,
    )


def organised_programs(user: Any) -> QuerySet[Program]:
    """The programmes `user` organises (every programme for a site admin), by name."""
    from peerly.programs.models import Program

    found = Program.objects.all() if user.is_superuser else Program.objects.filter(organisers=user)
    return found.order_by("name", "pk")


def organises_any(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or organised_programs(user).exists()
