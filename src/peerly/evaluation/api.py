"""The KPI dictionary and a programme's evaluation over the API (docs/evaluation.md, "API").

- /api/v1/metrics/definitions: the definitions only, no figures (any signed-in user);
- /api/v1/metrics/programs/{slug}/figures, /targets, /network, /cohorts: a programme's
  figures, for its organisers and site admins only (the access gateway: 404 for an unknown
  slug or a draft the user may not see, 403 for anyone else signed in; 401 anonymous). The
  same functions as the pages (`kpi.figures`, `targets.rows_for`, `network.view`,
  `cohorts.cohort_table`), so nothing from fewer than 5 people and never a text.

`since` and `team` (kpi.FILTERS) are read here, once: an empty value is no filter; a value
that is not a date, before MIN_SINCE or after today, or a team that is not offered
(`scope.team_choices`), is a 422 naming the parameter. Every list is bounded (the metrics of
a kind, at most 20 targets, at most 24 cohorts), so none is paginated.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field
from ninja import Query
from ninja import Router
from ninja import Schema

from peerly.core.aggregates import MIN_PEOPLE
from peerly.core.http import AuthedHttpRequest
from peerly.evaluation import cohorts
from peerly.evaluation import kpi
from peerly.evaluation import network
from peerly.evaluation import scope
from peerly.evaluation import targets
from peerly.evaluation.models import NetworkSummary
from peerly.programs.access import access_program
from peerly.programs.models import Program

router = Router(tags=["metrics"])

MIN_SINCE = dt.date(2000, 1, 1)  # no programme has data from before; keeps date sums in range


class Error(Schema):
    """Every error of these endpoints (and the API's 401/403/404 handlers): a message."""

    detail: str
    field: str | None = Field(None, description="the query parameter at fault (422)")
    choices: list[str] | None = Field(None, description="the values `team` may take (422)")


ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error}
FILTER_ERRORS: dict[int, Any] = {**ERRORS, 422: Error}


class MetricOut(Schema):
    key: str
    name: str
    definition: str
    unit: str = Field(
        description="percent (0-100), per_member, score (-100 to 100), mean_of_5 or days"
    )
    unit_label: str
    kinds: list[str] = Field(description="programme kinds it applies to; empty: every kind")
    unknowns: str = Field(description="how missing answers or dates count")
    min_people: int = Field(description="no figure is shown from fewer people")
    url: str = Field(description="the definition on the metrics page")


@router.get("/metrics/definitions", response=list[MetricOut])
def definitions(request: HttpRequest) -> list[MetricOut]:
    page = reverse("evaluation:definitions")
    return [
        MetricOut(
            key=m.key,
            name=str(m.name),
            definition=str(m.definition),
            unit=m.unit.value,
            unit_label=str(m.unit.label),
            kinds=list(m.kinds),
            unknowns=str(m.unknowns),
            min_people=m.min_people,
            url=f"{page}#{m.key}",
        )
        for m in kpi.registry()
    ]


# ------------------------------------------------------------------- a programme's figures
class FilterError(Exception):
    def __init__(self, field: str, message: str, choices: list[str] | None = None) -> None:
        super().__init__(message)
        self.body = {"detail": message, "field": field, "choices": choices}


def _organised(request: AuthedHttpRequest, slug: str) -> Program:
    return access_program(request.user, slug, need="organiser").program


def _filters(
    program: Program, since: str | None, team: str | None, today: dt.date
) -> tuple[dt.date | None, str | None]:
    """The `since` and `team` query parameters, checked (FilterError naming the one at fault)."""
    day = None
    if since:
        try:
            day = dt.date.fromisoformat(since)
        except ValueError:
            raise FilterError(
                "since", _("since: not a date; write it as YYYY-MM-DD, e.g. 2027-01-31.")
            ) from None
        if not MIN_SINCE <= day <= today:
            raise FilterError(
                "since",
                _("since: choose a date from %(first)s to today (%(today)s).")
                % {"first": MIN_SINCE.isoformat(), "today": today.isoformat()},
            )
    if not team:
        return day, None
    choices = scope.team_choices(program)
    if team not in choices:
        raise FilterError(
            "team",
            _(
                "team: not one of this programme's teams (those at least 5 members show to "
                "organisers); see `choices`."
            ),
            choices,
        )
    return day, team


SINCE = Query(None, description="only from this date (YYYY-MM-DD; empty: no filter)")
TEAM = Query(None, description="only the members who show this team to organisers")


class FigureOut(Schema):
    key: str = Field(description="the metric (see /metrics/definitions)")
    value: float | None = Field(
        description="in the metric's unit; null: nothing to compute, fewer than the metric's "
        "minimum of people, or not available with these filters"
    )
    people: int | None = Field(description="how many people it is from; null below the minimum")
    unit: str
    available: bool = Field(description="false: the metric cannot honour a filter given")


@router.get("/metrics/programs/{slug}/figures", response={200: list[FigureOut], **FILTER_ERRORS})
def program_figures(
    request: AuthedHttpRequest, slug: str, since: str | None = SINCE, team: str | None = TEAM
) -> Any:
    """Every metric of the dictionary that applies to the programme's kind, with today's
    figure (as the pages show it: without filters, today's stored reading, computed again once
    an hour old), narrowed by `since` and `team`."""
    program = _organised(request, slug)
    today = timezone.localdate()
    try:
        day, chosen = _filters(program, since, team, today)
    except FilterError as exc:
        return 422, exc.body
    metrics = kpi.for_kind(program.kind)
    if day is None and chosen is None:  # as the evaluation page: today's stored readings
        shown, _as_of = targets.shown_today(program, metrics)
    else:
        shown = kpi.figures(metrics, program=program, today=today, since=day, team=chosen)
    return [
        {
            "key": row.metric.key,
            "value": row.figure.value,
            "people": None if row.too_few else row.figure.people,
            "unit": row.metric.unit.value,
            "available": not row.unavailable,
        }
        for row in shown
    ]


class TargetOut(Schema):
    id: int
    metric: str = Field(description="the metric's key")
    metric_name: str | None = Field(description="null: the metric is no longer defined")
    unit: str | None
    comparison: str = Field(description="at_least or at_most")
    value: float = Field(description="the target, in the metric's unit")
    by_date: dt.date | None
    current: float | None = Field(
        description="today's figure; null when from fewer than 5 people or nothing to compute"
    )
    people: int | None = Field(
        description="how many people today's figure is from; null below the minimum"
    )
    status: str = Field(description="on_track, off_track, missed or not_shown")
    status_label: str


def _people(row: targets.TargetRow) -> int | None:
    """How many people today's figure is from; None below the minimum (not shown)."""
    minimum = row.metric.min_people if row.metric else MIN_PEOPLE
    if row.current is None or row.current.people < minimum:
        return None
    return row.current.people


@router.get("/metrics/programs/{slug}/targets", response={200: list[TargetOut], **ERRORS})
def program_targets(request: AuthedHttpRequest, slug: str) -> Any:
    """The programme's targets, each with today's figure and its status (as the targets
    page: today's figure of each metric is computed once a day and stored)."""
    program = _organised(request, slug)
    return [
        {
            "id": row.target.pk,
            "metric": row.target.metric_key,
            "metric_name": str(row.metric.name) if row.metric else None,
            "unit": row.metric.unit.value if row.metric else None,
            "comparison": row.target.comparison,
            "value": row.target.value,
            "by_date": row.target.by_date,
            "current": row.current.value if row.current else None,
            "people": _people(row),
            "status": row.status,
            "status_label": row.status_label,
        }
        for row in targets.rows_for(program)
    ]


class NetworkTeamOut(Schema):
    team: str
    people: int
    new_ties: list[int] = Field(description="new ties with each team, in the order of `teams`")


class NetworkEventOut(Schema):
    number: int = Field(description="the round or season")
    new: int
    new_cross_team: int


class NetworkFiguresOut(Schema):
    computed_at: dt.datetime
    people: int
    distinct_met: float | None
    new_ties: int
    new_cross_team_ties: int
    known_before_ties: int
    repeat_draws: int
    team_pairs: int
    team_pairs_connected: int
    teams: list[NetworkTeamOut]
    events: list[NetworkEventOut]


class NetworkOut(Schema):
    programme: str = Field(description="the programme's slug")
    network: NetworkFiguresOut | None = Field(
        description="null: not computed yet, or fewer than 5 people drawn"
    )


@router.get("/metrics/programs/{slug}/network", response={200: NetworkOut, **ERRORS})
def program_network(request: AuthedHttpRequest, slug: str) -> Any:
    """The stored network summary (the same figures as the network page's JSON export); a
    programme of a kind without groups is a 404."""
    program = _organised(request, slug)
    if program.kind not in network.KINDS:
        raise Http404(_("This programme has no groups, so no network figures."))
    shown = network.view(NetworkSummary.objects.filter(program=program).first())
    body: dict[str, Any] = {"programme": program.slug, "network": None}
    if shown is not None:
        body["network"] = {
            **{key: shown[key] for key in NetworkFiguresOut.model_fields if key != "teams"},
            "teams": [
                {"team": label, "people": row["people"], "new_ties": row["cells"]}
                for label, row in zip(shown["labels"], shown["rows"], strict=True)
            ],
        }
    return body


class CohortCellOut(Schema):
    months: int = Field(description="still taking part this many months after joining")
    known_on: dt.date = Field(description="the date from which the cell is known")
    status: str = Field(description="shown, not_yet (before known_on) or hidden (fewer than 5)")
    share: float | None = Field(description="per cent of the cohort (status shown only)")


class CohortRowOut(Schema):
    month: str = Field(description="the month of joining, YYYY-MM")
    size: int | None = Field(description="members in the cohort; null: fewer than 5")
    cells: list[CohortCellOut]


class CohortsOut(Schema):
    today: dt.date
    since: dt.date | None
    team: str | None
    months: list[int]
    min_people: int = Field(description="a smaller cohort shows neither its size nor shares")
    rows: list[CohortRowOut] = Field(description="the last 24 cohorts at most, oldest first")


@router.get("/metrics/programs/{slug}/cohorts", response={200: CohortsOut, **FILTER_ERRORS})
def program_cohorts(
    request: AuthedHttpRequest, slug: str, since: str | None = SINCE, team: str | None = TEAM
) -> Any:
    """Retention by month of joining: the share of each cohort still taking part 1, 3 and 6
    months after joining (definitions in docs/evaluation.md)."""
    program = _organised(request, slug)
    today = timezone.localdate()
    try:
        day, chosen = _filters(program, since, team, today)
    except FilterError as exc:
        return 422, exc.body
    table = cohorts.cohort_table(program, today=today, since=day, team=chosen)
    return {
        "today": table.today,
        "since": table.since,
        "team": table.team,
        "months": list(table.months),
        "min_people": table.min_people,
        "rows": [
            {
                "month": row.month.isoformat()[:7],
                "size": row.size,
                "cells": [
                    {"months": c.months, "known_on": c.on, "status": c.status, "share": c.share}
                    for c in row.cells
                ],
            }
            for row in table.rows
        ],
    }
