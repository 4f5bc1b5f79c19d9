"""Network metrics: does a programme break silos? (issue 15, the claim coffee trials make.)

From a programme's history — every coffee round's groups, every circle season's circles — a
*tie* is two members drawn into the same group. A tie is **new** the first time those two are
drawn together in the programme, unless either of them said at the check-in that they knew
each other before (`knew_before`); a later draw of the same two is a repeat, not a new tie.

The summary, for organisers (and never from fewer than MIN_PEOPLE people):
- `people`: members with at least one draw; `distinct_met`: the mean number of different
  people each of them has been drawn with (known before or not);
- the **team × team matrix** of new ties, by each member's team as they let organisers see it
  (a hidden or empty team counts as "No team shown"). A team of fewer than MIN_PEOPLE people
  in the history, or beyond the MAX_TEAMS largest, is pooled into "Other teams"; a pool of
  fewer than MIN_PEOPLE is left out of the matrix (its ties still count in the totals);
- `team_pairs_connected`: of the pairs of different teams in the matrix, the share with at
  least one new tie;
- per round (or season): new ties and new cross-team ties.

Computing it reads every draw of the programme (a quarter of a million rows at 10,000 members
and two years of rounds), so it is not done by a page: `refresh()` stores it in a
`NetworkSummary` row, run by a background job that `peerly tick` starts when the history or
the day has changed (`stale_programs`). Pages and the API read that one row.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peerly.accounts.models import Profile
from peerly.accounts.models import Visibility
from peerly.accounts.selectors import visible_q
from peerly.core import jobs
from peerly.core.aggregates import MIN_PEOPLE
from peerly.core.models import Job
from peerly.evaluation.kpi import Figure
from peerly.evaluation.kpi import Metric
from peerly.evaluation.kpi import Unit
from peerly.evaluation.kpi import percent
from peerly.evaluation.models import NetworkSummary
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind

KINDS = (ProgramKind.COFFEE.value, ProgramKind.CIRCLE.value)  # the kinds whose groups make ties
JOB_KIND = "evaluation.network"
NO_TEAM = "__none__"  # a member whose team is empty or hidden from organisers
SMALL_TEAMS = "__small__"  # teams of fewer than MIN_PEOPLE people (or past MAX_TEAMS), pooled
MAX_TEAMS = 20  # the largest teams get a row of the matrix; the others are pooled


@dataclass(frozen=True)
class Draw:
    """One member in one group of one event (a coffee round or a circle season)."""

    event: int  # round or season number, in the order they happened
    group: int
    user: int
    knew_before: bool | None = None


def _draws(program: Program) -> Iterator[Draw]:
    """Every draw of `program`, event by event, group by group."""
    if program.kind == ProgramKind.COFFEE:
        from peerly.rounds.models import GroupMember

        rows: Iterable[tuple[Any, ...]] = (
            GroupMember.objects.filter(round__program=program)
            .order_by("round__number", "group_id")
            .values_list("round__number", "group_id", "user_id", "knew_before")
            .iterator(chunk_size=5000)
        )
    elif program.kind == ProgramKind.CIRCLE:
        from peerly.circles.models import CircleMember

        rows = (
            CircleMember.objects.filter(circle__program=program)
            .order_by("season__number", "circle_id")
            .values_list("season__number", "circle_id", "user_id")
            .iterator(chunk_size=5000)
        )
    else:
        return
    for row in rows:
        yield Draw(*row)


def _teams_seen_by_organisers(user_ids: Iterable[int]) -> dict[int, str]:
    """Each member's team as organisers may see it (NO_TEAM when empty or hidden)."""
    ids = list(user_ids)
    found: dict[int, str] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        found.update(
            Profile.objects.filter(user_id__in=chunk)
            .filter(visible_q(field="team", level=Visibility.ORGANISERS))
            .exclude(team="")
            .order_by()
            .values_list("user_id", "team")
        )
    return {uid: found.get(uid, NO_TEAM) for uid in ids}


def compute(draws: Iterable[Draw], team_of: dict[int, str] | None = None) -> dict[str, Any]:
    """The summary (see the module doc) of `draws`, in event order. `team_of` maps a user to
    their team; None: looked up (as organisers may see it) once the users are known."""
    groups: dict[tuple[int, int], list[Draw]] = defaultdict(list)
    order: list[tuple[int, int]] = []
    for draw in draws:
        key = (draw.event, draw.group)
        if key not in groups:
            order.append(key)
        groups[key].append(draw)
    users = sorted({d.user for members in groups.values() for d in members})
    teams = team_of if team_of is not None else _teams_seen_by_organisers(users)
    team_size = Counter(teams.get(u, NO_TEAM) for u in users)
    largest = {t for t, _n in team_size.most_common(MAX_TEAMS)}
    small = {t for t, n in team_size.items() if n < MIN_PEOPLE or t not in largest}
    pooled = sum(team_size[t] for t in small)

    def bucket(user: int) -> str | None:
        team = teams.get(user, NO_TEAM)
        if team not in small:
            return team
        return SMALL_TEAMS if pooled >= MIN_PEOPLE else None

    seen: set[tuple[int, int]] = set()
    met: dict[int, set[int]] = defaultdict(set)
    matrix: Counter[tuple[str, str]] = Counter()
    events: dict[int, dict[str, int]] = {}
    new_total = cross_total = known_total = repeat_total = 0
    for key in order:
        members = groups[key]
        event = events.setdefault(key[0], {"number": key[0], "new": 0, "new_cross_team": 0})
        knew = {d.user: d.knew_before for d in members}
        for a, b in itertools.combinations(sorted(knew), 2):
            met[a].add(b)
            met[b].add(a)
            if (a, b) in seen:
                repeat_total += 1
                continue
            seen.add((a, b))
            if knew[a] or knew[b]:
                known_total += 1
                continue
            new_total += 1
            event["new"] += 1
            team_a, team_b = teams.get(a, NO_TEAM), teams.get(b, NO_TEAM)
            if team_a != team_b:
                cross_total += 1
                event["new_cross_team"] += 1
            row, col = bucket(a), bucket(b)
            if row is not None and col is not None:
                matrix[_cell(row, col)] += 1
    people = len(users)
    shown_teams = sorted({t for t in team_size if t not in small}, key=_team_sort)
    if pooled >= MIN_PEOPLE:
        shown_teams.append(SMALL_TEAMS)
    pairs = [(a, b) for i, a in enumerate(shown_teams) for b in shown_teams[i + 1 :]]
    connected = sum(1 for a, b in pairs if matrix[_cell(a, b)] > 0)
    return {
        "people": people,
        "distinct_met": (sum(len(v) for v in met.values()) / people) if people else None,
        "new_ties": new_total,
        "new_cross_team_ties": cross_total,
        "known_before_ties": known_total,
        "repeat_draws": repeat_total,
        "teams": [
            {"key": t, "people": (pooled if t == SMALL_TEAMS else team_size[t])}
            for t in shown_teams
        ],
        "left_out_people": pooled if pooled < MIN_PEOPLE else 0,
        "matrix": [[a, b, n] for (a, b), n in sorted(matrix.items())],
        "team_pairs": len(pairs),
        "team_pairs_connected": connected,
        "events": [events[k] for k in sorted(events)],
    }


def _cell(a: str, b: str) -> tuple[str, str]:
    """The matrix key of two teams (the matrix is symmetric: one key per unordered pair)."""
    return (a, b) if a <= b else (b, a)


def _team_sort(team: str) -> tuple[int, str]:
    return (1 if team == NO_TEAM else 0, team.casefold())


def source_key(program: Program, *, today: dt.date | None = None) -> str:
    """What the summary is computed from: the draws (count, newest id, check-in answers about
    knowing each other) and the day (teams and visibility change without a draw). One query."""
    today = today or timezone.localdate()
    if program.kind == ProgramKind.COFFEE:
        from peerly.rounds.models import GroupMember

        agg = GroupMember.objects.filter(round__program=program).aggregate(
            n=Count("id"), last=Max("id"), knew=Count("knew_before")
        )
    elif program.kind == ProgramKind.CIRCLE:
        from peerly.circles.models import CircleMember

        agg = CircleMember.objects.filter(circle__program=program).aggregate(
            n=Count("id"), last=Max("id")
        )
        agg["knew"] = 0
    else:
        return ""
    return f"{today.isoformat()}:{agg['n']}:{agg['last'] or 0}:{agg['knew']}"


def refresh(program: Program, *, today: dt.date | None = None) -> NetworkSummary | None:
    """Compute and store `program`'s summary unless the stored one is from the same history
    and day (idempotent: a second run changes nothing). None for a kind without groups."""
    if program.kind not in KINDS:
        return None
    key = source_key(program, today=today)
    current = NetworkSummary.objects.filter(program=program).first()
    if current is not None and current.source_key == key:
        return current
    data = compute(_draws(program))
    with transaction.atomic():
        summary, _created = NetworkSummary.objects.update_or_create(
            program=program,
            defaults={"source_key": key, "data": data, "computed_at": timezone.now()},
        )
    return summary


def stale_programs(*, today: dt.date | None = None) -> list[Program]:
    """Programmes of a kind with groups whose stored summary is missing or out of date."""
    found = []
    stored = dict(NetworkSummary.objects.values_list("program_id", "source_key"))
    for program in Program.objects.filter(kind__in=KINDS).order_by("pk"):
        key = source_key(program, today=today)
        if key.split(":", 1)[1] != "0:0:0" and stored.get(program.pk) != key:
            found.append(program)
    return found


def start_refresh(program: Program, *, actor: Any = None) -> tuple[Job, bool]:
    """The background job computing `program`'s summary for its current history and day."""
    return jobs.start_program_job(
        JOB_KIND,
        program,
        source_key(program),
        actor=actor,
        title=_("Computing the network figures"),
        back="evaluation:network",
        params={},
    )


def tick(*, today: dt.date | None = None) -> dict[str, int]:
    """For `peerly tick`: start a refresh job for every stale programme."""
    started = 0
    for program in stale_programs(today=today):
        _job, created = start_refresh(program)
        started += int(created)
    return {"network.refresh_started": started}


def run_refresh(*, job: Job, progress: jobs.Progress) -> dict[str, str]:
    """The job's runner."""
    program = jobs.program_of(job)
    progress(_("Reading the history"))
    refresh(program)
    from django.urls import reverse

    return {
        "url": reverse("evaluation:network", kwargs={"slug": program.slug}),
        "message": _("The network figures are up to date."),
    }


def team_label(key: str) -> str:
    if key == NO_TEAM:
        return _("No team shown")
    if key == SMALL_TEAMS:
        return _("Other teams (smaller ones, pooled)")
    return key


def view(summary: NetworkSummary | None) -> dict[str, Any] | None:
    """The stored summary as pages show it (None when there is none, or it is from fewer than
    MIN_PEOPLE people): labelled teams, the matrix as rows, rates."""
    if summary is None or summary.data.get("people", 0) < MIN_PEOPLE:
        return None
    data = summary.data
    teams = [t["key"] for t in data["teams"]]
    cells = {(a, b): n for a, b, n in data["matrix"]}
    rows = [
        {
            "team": team_label(a),
            "people": t["people"],
            "cells": [cells.get(_cell(a, b), 0) for b in teams],
        }
        for a, t in zip(teams, data["teams"], strict=True)
    ]
    pairs = data["team_pairs"]
    return {
        **data,
        "computed_at": summary.computed_at,
        "labels": [team_label(t) for t in teams],
        "rows": rows,
        "team_pairs_rate": (data["team_pairs_connected"] / pairs) if pairs else None,
        "cross_team_rate": (data["new_cross_team_ties"] / data["new_ties"])
        if data["new_ties"]
        else None,
    }


# ------------------------------------------------------------------------ KPI dictionary
def _stored(program: Program | None) -> list[dict[str, Any]]:
    """The stored summaries' data: the programme's, or every programme's for the site."""
    rows = NetworkSummary.objects.all()
    if program is not None:
        rows = rows.filter(program=program)
    return list(rows.values_list("data", flat=True))


def distinct_people_met(program: Program | None, today: dt.date) -> Figure:
    """Mean distinct people met per member, from the stored summary (the site: over every
    programme's members, weighted by their number)."""
    datas = [d for d in _stored(program) if d.get("people")]
    people = sum(d["people"] for d in datas)
    total = sum(d["distinct_met"] * d["people"] for d in datas)
    return Figure(value=round(total / people, 1) if people else None, people=people)


def team_pairs_connected(program: Program | None, today: dt.date) -> Figure:
    """Share of the pairs of different teams with at least one new tie."""
    datas = [d for d in _stored(program) if d.get("people")]
    pairs = sum(d["team_pairs"] for d in datas)
    connected = sum(d["team_pairs_connected"] for d in datas)
    return Figure(
        value=percent(connected, pairs),
        people=sum(d["people"] for d in datas),
        numerator=connected,
        denominator=pairs,
    )


def cross_team_share(program: Program | None, today: dt.date) -> Figure:
    """Share of new ties that join people of different teams."""
    datas = [d for d in _stored(program) if d.get("people")]
    new = sum(d["new_ties"] for d in datas)
    cross = sum(d["new_cross_team_ties"] for d in datas)
    return Figure(
        value=percent(cross, new),
        people=sum(d["people"] for d in datas),
        numerator=cross,
        denominator=new,
    )


_FROM_SUMMARY = gettext_lazy(
    "Computed from the programme's stored network summary, refreshed by a background job "
    "that `peerly tick` starts when the history or the day changes; none until the first run."
)

METRICS = (
    Metric(
        key="distinct_people_met",
        name=gettext_lazy("Distinct people met per member"),
        definition=gettext_lazy(
            "For each member drawn at least once: the number of different people they have "
            "been drawn into a group with (coffee groups, circles), averaged over those members."
        ),
        unit=Unit.PER_MEMBER,
        unknowns=_FROM_SUMMARY,
        compute=distinct_people_met,
        kinds=KINDS,
    ),
    Metric(
        key="team_pairs_connected",
        name=gettext_lazy("Team pairs connected"),
        definition=gettext_lazy(
            "Of the pairs of different teams shown in the team matrix (teams of at least 5 "
            "people; smaller ones pooled), the share with at least one new tie: two of their "
            "members drawn together for the first time who did not know each other before."
        ),
        unit=Unit.PERCENT,
        unknowns=gettext_lazy(
            "A member whose team is empty or hidden from organisers counts as 'No team shown'. "
            "A tie is new unless either person said at the check-in that they knew the other; "
            "no answer counts as not known."
        ),
        compute=team_pairs_connected,
        kinds=KINDS,
    ),
    Metric(
        key="cross_team_ties",
        name=gettext_lazy("New ties across teams"),
        definition=gettext_lazy(
            "Of all new ties (two members drawn together for the first time, not known "
            "before), the share joining people of different teams."
        ),
        unit=Unit.PERCENT,
        unknowns=_FROM_SUMMARY,
        compute=cross_team_share,
        kinds=KINDS,
    ),
)
