"""The evaluation API (/api/v1/metrics/programs/<slug>/...): figures, targets, network and
cohorts for a programme's organisers and site admins only — the persona table, 404s, bad
filters as 422 naming the parameter, the same answers as the pages' functions, and query
counts that do not grow with the programme."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peerly.evaluation import kpi
from peerly.evaluation import network
from peerly.evaluation import targets
from peerly.evaluation.cohorts import months_later
from peerly.evaluation.models import NetworkSummary
from peerly.evaluation.network import Draw
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.programs.models import ProgramStatus
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from tests.conftest import PERSONAS
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ENDPOINTS = ("figures", "targets", "network", "cohorts")
EXPECTED = {
    "anonymous": 401,
    "outsider": 403,
    "member": 403,
    "other_organiser": 403,
    "organiser": 200,
    "admin": 200,
}
FILTERED = ("figures", "cohorts")


def url(slug: str, endpoint: str) -> str:
    return f"/api/v1/metrics/programs/{slug}/{endpoint}"


def client_of(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def add_members(program: Program, n: int, *, team: str = "Sales", months_ago: int = 0) -> list:
    """`n` active members of `team`, joined `months_ago` months before today (noon UTC)."""
    day = months_later(timezone.localdate(), -months_ago)
    users = [UserFactory(profile__team=team) for _ in range(n)]
    for user in users:
        EnrollmentFactory(
            program=program,
            user=user,
            joined_at=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
        )
    return users


def add_round(program: Program, number: int, users: list) -> None:
    today = timezone.localdate()
    round_ = Round.objects.create(
        program=program,
        number=number,
        published_at=timezone.now(),
        meets_from=today - dt.timedelta(days=20),
        meet_by=today - dt.timedelta(days=10),
    )
    for g, start in enumerate(range(0, len(users) - 1, 2), start=1):
        group = RoundGroup.objects.create(round=round_, number=g)
        for user in users[start : start + 2]:
            GroupMember.objects.create(group=group, round=round_, user=user, answer="all")


# ------------------------------------------------------------------------ who may read
@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_organisers_and_site_admins_read_a_programmes_figures(
    personas, persona, endpoint
) -> None:
    response = personas.client(persona).get(url(personas.program.slug, endpoint))
    assert response.status_code == EXPECTED[persona], response.content
    body = response.json()
    if response.status_code != 200:
        assert isinstance(body["detail"], str) and body["detail"]
    if persona == "member":
        assert body["detail"] == "Only this programme's organisers can do that."


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("persona", ["organiser", "admin"])
def test_an_unknown_programme_is_a_404(personas, persona, endpoint) -> None:
    response = personas.client(persona).get(url("no-such-programme", endpoint))
    assert response.status_code == 404
    assert response.json()["detail"] == "No such programme."


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_draft_is_a_404_for_anyone_but_its_organisers(personas, endpoint) -> None:
    Program.objects.filter(pk=personas.program.pk).update(status=ProgramStatus.DRAFT)
    assert personas.client("outsider").get(url(personas.program.slug, endpoint)).status_code == 404
    assert personas.client("organiser").get(url(personas.program.slug, endpoint)).status_code == 200


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_endpoints_document_their_answers_and_errors(personas, endpoint) -> None:
    schema = personas.client("organiser").get("/api/v1/openapi.json").json()
    operation = schema["paths"][f"/api/v1/metrics/programs/{{slug}}/{endpoint}"]["get"]
    codes = set(operation["responses"])
    assert {"200", "401", "403", "404"} <= codes
    assert ("422" in codes) == (endpoint in FILTERED)
    assert operation["description"] or operation.get("summary")


# -------------------------------------------------------------------------- bad filters
@pytest.mark.parametrize("endpoint", FILTERED)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=yesterday", "since"),
        ("since=2027-02-30", "since"),
        ("since=1999-12-31", "since"),
        ("since=9999-12-31", "since"),
        ("team=Nobody", "team"),
        ("team=Small", "team"),  # 4 members: not offered
        ("since=2001-01-01&team=sales", "team"),  # the exact name only
    ],
)
def test_a_bad_filter_is_a_422_naming_the_parameter(personas, endpoint, query, field) -> None:
    add_members(personas.program, 5, team="Sales")
    add_members(personas.program, 4, team="Small")
    response = personas.client("organiser").get(f"{url(personas.program.slug, endpoint)}?{query}")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["field"] == field and body["detail"].startswith(f"{field}:")
    if field == "team":
        assert body["choices"] == ["Sales"]


def test_a_date_after_today_is_refused_and_today_is_fine(personas) -> None:
    today = timezone.localdate()
    client = personas.client("organiser")
    base = url(personas.program.slug, "cohorts")
    tomorrow = client.get(f"{base}?since={today + dt.timedelta(days=1)}")
    assert tomorrow.status_code == 422 and "today" in tomorrow.json()["detail"]
    assert client.get(f"{base}?since={today}").status_code == 200
    assert client.get(f"{base}?since=&team=").json()["since"] is None  # empty: no filter


# ------------------------------------------------------------------------------ figures
@pytest.mark.parametrize(
    "filters",
    [{}, {"team": "Sales"}, {"since": "2020-01-01"}, {"since": "2020-01-01", "team": "Sales"}],
)
def test_figures_are_the_dictionarys_for_the_programmes_kind(personas, filters) -> None:
    program = personas.program
    users = add_members(program, 6, team="Sales", months_ago=4)
    add_members(program, 3, team="Engineering", months_ago=1)
    add_round(program, 1, users)
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    response = personas.client("organiser").get(f"{url(program.slug, 'figures')}?{query}")
    assert response.status_code == 200
    since = dt.date.fromisoformat(filters["since"]) if "since" in filters else None
    expected = kpi.figures(
        kpi.for_kind(program.kind),
        program=program,
        today=timezone.localdate(),
        since=since,
        team=filters.get("team"),
    )
    assert response.json() == [
        {
            "key": row.metric.key,
            "value": row.figure.value,
            "people": None if row.too_few else row.figure.people,
            "unit": row.metric.unit.value,
            "available": not row.unavailable,
        }
        for row in expected
    ]
    keys = [row["key"] for row in response.json()]
    assert "retention_3_months" in keys and "met_rate" in keys
    assert "time_to_match" not in keys  # a mentorship metric
    retention = next(r for r in response.json() if r["key"] == "retention_3_months")
    assert retention["available"] and retention["unit"] == "percent"
    if filters.get("team") == "Sales":  # the six of Sales, joined four months ago, all stayed
        assert (retention["value"], retention["people"]) == (100.0, 6)


def test_a_figure_from_fewer_than_5_people_shows_no_value_nor_count(personas) -> None:
    add_members(personas.program, 3, team="Sales", months_ago=4)
    rows = personas.client("organiser").get(url(personas.program.slug, "figures")).json()
    retention = next(r for r in rows if r["key"] == "retention_3_months")
    assert retention["value"] is None and retention["people"] is None


# ------------------------------------------------------------------------------ targets
def test_targets_with_their_current_value_and_status(personas) -> None:
    program = personas.program
    add_members(program, 6, months_ago=4)
    organiser = personas.organiser
    targets.set_target(
        actor=organiser,
        program=program,
        metric_key="retention_3_months",
        comparison="at_least",
        value=80,
        by_date=dt.date(2030, 1, 1),
    )
    targets.set_target(
        actor=organiser, program=program, metric_key="met_rate", comparison="at_least", value=70
    )
    rows = personas.client("organiser").get(url(program.slug, "targets")).json()
    assert rows == [
        {
            "id": rows[0]["id"],
            "metric": "retention_3_months",
            "metric_name": "Still taking part after 3 months",
            "unit": "percent",
            "comparison": "at_least",
            "value": 80.0,
            "by_date": "2030-01-01",
            "current": 100.0,
            "people": 6,
            "status": "on_track",
            "status_label": "On track",
        },
        {
            "id": rows[1]["id"],
            "metric": "met_rate",
            "metric_name": "Met rate",
            "unit": "percent",
            "comparison": "at_least",
            "value": 70.0,
            "by_date": None,
            "current": None,
            "people": None,
            "status": "not_shown",
            "status_label": "Not shown (fewer than 5 people)",
        },
    ]
    assert [r["id"] for r in rows] == [
        t.pk for t in program.targets.order_by("id")
    ]  # the targets page's order


# ------------------------------------------------------------------------------ network
def test_network_gives_the_same_figures_as_the_pages_json_export(personas) -> None:
    program = personas.program
    teams = {**dict.fromkeys(range(1, 6), "Alpha"), **dict.fromkeys(range(6, 11), "Beta")}
    draws = [Draw(1, 100 + g, u) for g, pair in enumerate([(1, 6), (2, 7), (3, 8)]) for u in pair]
    draws += [Draw(2, 200 + g, u) for g, pair in enumerate([(4, 9), (5, 10), (1, 2)]) for u in pair]
    NetworkSummary.objects.create(
        program=program,
        source_key="test",
        computed_at=timezone.now().replace(microsecond=0),  # the API gives milliseconds
        data=network.compute(draws, teams),
    )
    api = personas.client("organiser").get(url(program.slug, "network"))
    assert api.status_code == 200
    page = personas.client("organiser").get(
        reverse("evaluation:network", kwargs={"slug": program.slug}) + "?format=json"
    )
    exported = json.loads(page.content)
    body = api.json()
    for figures in (body["network"], exported["network"]):
        figures["computed_at"] = dt.datetime.fromisoformat(figures["computed_at"])
    assert body == exported
    assert body["network"]["new_ties"] == 6 and body["network"]["people"] == 10
    assert body["network"]["teams"][0] == {"team": "Alpha", "people": 5, "new_ties": [1, 5]}


def test_network_is_null_before_the_first_run(personas) -> None:
    body = personas.client("organiser").get(url(personas.program.slug, "network")).json()
    assert body == {"programme": personas.program.slug, "network": None}


def test_network_of_a_kind_without_groups_is_a_404_with_a_message() -> None:
    organiser = UserFactory()
    program = ProgramFactory(kind=ProgramKind.MENTORSHIP, organisers=[organiser])
    response = client_of(organiser).get(url(program.slug, "network"))
    assert response.status_code == 404
    assert response.json()["detail"] == "This programme has no groups, so no network figures."


# ------------------------------------------------------------------------------ cohorts
def test_cohorts_by_month_with_filters(personas) -> None:
    program = personas.program
    add_members(program, 5, team="Sales", months_ago=8)
    add_members(program, 2, team="Engineering", months_ago=8)
    client = personas.client("organiser")
    body = client.get(url(program.slug, "cohorts")).json()
    joined = months_later(timezone.localdate(), -8)
    month = joined.isoformat()[:7]
    rows = {r["month"]: r for r in body["rows"]}
    # the personas' two members joined today: a cohort of fewer than 5, sizes hidden
    assert rows[timezone.localdate().isoformat()[:7]]["size"] is None
    assert rows[month]["size"] == 7
    assert [c["status"] for c in rows[month]["cells"]] == ["shown", "shown", "shown"]
    assert [c["share"] for c in rows[month]["cells"]] == [100.0, 100.0, 100.0]
    assert body["months"] == [1, 3, 6] and body["min_people"] == 5
    sales = client.get(url(program.slug, "cohorts") + "?team=Sales").json()
    assert sales["team"] == "Sales" and [r["size"] for r in sales["rows"]] == [5]
    since = client.get(url(program.slug, "cohorts") + f"?since={joined + dt.timedelta(days=1)}")
    assert [r["size"] for r in since.json()["rows"]] == [None]  # only the personas' members


# -------------------------------------------------------------------------- query counts
def _programme(n: int) -> tuple[Program, Client]:
    organiser = UserFactory()
    program = ProgramFactory(organisers=[organiser])
    users = []
    for i in range(n):
        users += add_members(program, 1, team="Sales" if i % 2 else "Beta", months_ago=i % 9)
    add_round(program, 1, users)
    add_round(program, 2, list(reversed(users)))
    network.refresh(program)
    for key in ("retention_3_months", "met_rate"):
        targets.set_target(
            actor=organiser, program=program, metric_key=key, comparison="at_least", value=50
        )
    return program, client_of(organiser)


@pytest.mark.parametrize(
    "endpoint", ["figures", "figures?team=Sales&since=2020-01-01", "targets", "network", "cohorts"]
)
def test_the_endpoints_cost_no_more_queries_for_a_larger_programme(endpoint) -> None:
    def queries(n: int) -> int:
        program, client = _programme(n)
        client.get(url(program.slug, endpoint))  # the day's target readings are stored once
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(program.slug, endpoint)).status_code == 200
        return len(ctx.captured_queries)

    small, big = queries(12), queries(60)
    assert big <= small
