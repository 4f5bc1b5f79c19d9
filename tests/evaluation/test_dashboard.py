"""A programme's dashboard (issue 15): who may open it, each kind with its chart and table,
the 5-people rule, the filters (and their errors), CSV and JSON that agree with the page
figure for figure, the query count at any size, and no private text anywhere."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import replace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peerly.evaluation import kpi
from peerly.evaluation import targets
from peerly.programs.models import ProgramStatus
from tests.evaluation.dashboard_data import BUILDERS
from tests.evaluation.dashboard_data import SECRET
from tests.evaluation.dashboard_data import Tables
from tests.evaluation.dashboard_data import coffee
from tests.factories import EnrollmentFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
KINDS = tuple(BUILDERS)


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _url(program, **query: str) -> str:  # type: ignore[no-untyped-def]
    url = reverse("evaluation:dashboard", kwargs={"slug": program.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# ----------------------------------------------------------------------- permissions
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("member", 403),
        ("other_organiser", 403),
        ("organiser", 200),
        ("admin", 200),
    ],
)
def test_only_the_programmes_organisers_and_site_admins_may_open_it(
    personas, persona, expected
) -> None:  # type: ignore[no-untyped-def]
    client = personas.client(persona)
    for fmt in ("html", "csv", "json"):
        assert client.get(_url(personas.program, format=fmt)).status_code == expected, fmt


def test_a_draft_is_not_found_for_others_and_an_unknown_programme_neither(personas) -> None:  # type: ignore[no-untyped-def]
    personas.program.status = ProgramStatus.DRAFT
    personas.program.save()
    assert personas.client("outsider").get(_url(personas.program)).status_code == 404
    assert personas.client("organiser").get(_url(personas.program)).status_code == 200
    missing = reverse("evaluation:dashboard", kwargs={"slug": "no-such-programme"})
    assert personas.client("admin").get(missing).status_code == 404


# ------------------------------------------------------------------------ every kind
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_shows_its_figures_chart_and_table(kind) -> None:  # type: ignore[no-untyped-def]
    organiser = UserFactory()
    program = BUILDERS[kind](10, organiser)
    response = _client(organiser).get(_url(program))
    assert response.status_code == 200
    html = response.content.decode()
    tables = Tables(html)
    # every metric of the kind, each linked to its definition
    keys = [row[0] for row in tables.tables["figures"]]
    assert keys == [m.key for m in kpi.for_kind(program.kind)]
    for key in keys:
        assert f'href="{reverse("evaluation:definitions")}#{key}"' in html
    # a chart (inline SVG with a title) with a caption, and its table
    assert '<figure class="card chart"><svg' in html and "<figcaption" in html
    assert 'role="img"><title>' in html
    assert tables.tables["series"], "the series table has rows"
    assert (kind == "mentorship") == ("funnel" in tables.tables)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # two charts on one page do not share element ids
    assert reverse("evaluation:targets", kwargs={"slug": program.slug}) in html


def test_the_coffee_figures_by_hand() -> None:
    organiser = UserFactory()
    program = coffee(10, organiser)  # 5 pairs, 2 of which met
    tables = Tables(_client(organiser).get(_url(program)).content.decode())
    figures = {row[0]: row for row in tables.tables["figures"]}
    assert figures["met_rate"][1:3] == ["40.0", "10"]
    (round_1,) = tables.tables["series"]
    assert round_1 == ["1", "10", "10", "40.0", "40.0", "10"]
    assert tables.texts["series"][0][3] == "40 %"


def test_the_mentorship_funnel_and_review_column() -> None:
    organiser = UserFactory()
    program = BUILDERS["mentorship"](6, organiser)
    tables = Tables(_client(organiser).get(_url(program)).content.decode())
    funnel = {row[0]: row[1:] for row in tables.tables["funnel"]}
    assert funnel["applied"] == ["6", "100.0", "6"]
    assert funnel["active"] == ["6", "100.0", "6"]
    assert funnel["completed"] == ["0", "0.0", "0"]
    last_month, this_month = tables.tables["series"][-2:]
    # month, applications, matched, running, report rate, time to match, review, people
    assert last_month[3:5] == ["6", "100.0"]
    assert this_month[6] == "4.0"  # the reviews were given this month (or the last days)


# --------------------------------------------------------------------- 5-people rule
@pytest.mark.parametrize("kind", KINDS)
def test_no_rate_from_fewer_than_five_people(kind) -> None:  # type: ignore[no-untyped-def]
    organiser = UserFactory()
    program = BUILDERS[kind](4, organiser)
    html = _client(organiser).get(_url(program)).content.decode()
    tables = Tables(html)
    for row in tables.tables["figures"]:
        # a figure is shown only from 5 people (the mentor is a fifth active member)
        assert row[1] == "" or int(row[2]) >= 5, row
    figures = {row[0]: row for row in tables.tables["figures"]}
    rate = {"coffee": "met_rate", "circle": "session_completion", "mentorship": "time_to_match"}
    assert figures[rate[kind]][1:] == ["", "", "too_few"]
    columns = {
        "coffee": (3, 4),  # met rate, report rate
        "circle": (3, 6),  # session completion, attendance
        "mentorship": (4, 5, 6),  # report rate, time to match, review
    }[kind]
    assert tables.tables["series"]
    for row in tables.tables["series"]:
        for column in columns:
            assert row[column] == "", (kind, row)
    if kind == "mentorship":
        assert all(row[2] == "" for row in tables.tables["funnel"])
    # the chart's text alternative has no rate either (a gap, not 0)
    (desc,) = re.findall(r"<desc>(.*?)</desc>", html)[:1]
    gaps = {
        "coffee": ["met rate unknown", "report rate unknown"],
        "circle": ["session completion % —", "attendance % —"],
        "mentorship": ["report rate % —"],
    }[kind]
    for gap in gaps:
        assert gap in desc, desc
    assert not re.search(r"% \d", desc), desc
    assert "Not shown: fewer than 5 people" in html


# -------------------------------------------------------------------------- filters
def test_a_valid_period_and_team_are_applied(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    organiser = UserFactory()
    program = coffee(10, organiser)  # everyone in the team "Engineering"
    today = timezone.localdate()
    # a metric that cannot honour the team filter: "Not available", never an unfiltered number
    no_team = replace(kpi.get("met_rate"), filters=frozenset({kpi.SINCE}))
    monkeypatch.setitem(kpi.METRICS, "met_rate", no_team)
    client = _client(organiser)
    response = client.get(
        _url(program, since=(today - dt.timedelta(days=30)).isoformat(), team="Engineering")
    )
    assert response.status_code == 200
    html = response.content.decode()
    tables = Tables(html)
    met = next(row for row in tables.tables["figures"] if row[0] == "met_rate")
    assert met[1:] == ["", "", "unavailable"]
    assert "Not available with these filters" in html
    assert "Team: Engineering." in html
    # a period before the round: the round is left out of the series
    old = client.get(_url(program, since="2020-01-01", until="2020-12-31"))
    assert old.status_code == 200 and Tables(old.content.decode()).tables["series"] == []
    assert "Nothing to show for this period." in old.content.decode()
    data = json.loads(client.get(_url(program, since="2020-01-01", format="json")).content)
    assert data["filters"] == {"from": "2020-01-01", "to": today.isoformat(), "team": None}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "yesterday"}, "From: enter a date"),
        ({"until": "2026-02-30"}, "To: enter a date"),
        ({"since": "2026-03-02", "until": "2026-03-01"}, "From: the period must start"),
        ({"until": "2999-01-01"}, "To: choose a date no later than today"),
        ({"since": "0001-01-01"}, "From: choose a date from 2000-01-01"),
        ({"team": "Nowhere"}, "Team: choose one of the teams offered"),
        ({"team": "x" * 3000}, "Team: choose one of the teams offered"),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(query, message) -> None:  # type: ignore[no-untyped-def]
    organiser = UserFactory()
    program = coffee(10, organiser)
    client = _client(organiser)
    response = client.get(_url(program, **query))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'class="errorlist"' in html
    assert "data-table" not in html  # no figures for a period that is not one
    for fmt in ("csv", "json"):
        export = client.get(_url(program, format=fmt, **query))
        assert export.status_code == 400 and message in export.content.decode()
    assert client.get(_url(program, format="xml")).status_code == 400


def test_a_team_that_fewer_than_five_show_is_not_offered() -> None:
    organiser = UserFactory()
    program = coffee(10, organiser)
    for _ in range(4):
        EnrollmentFactory(program=program, user=UserFactory(profile__team="Tiny"))
    client = _client(organiser)
    assert "Tiny" not in client.get(_url(program)).content.decode()
    assert client.get(_url(program, team="Tiny")).status_code == 400


# -------------------------------------------------------------------------- exports
@pytest.mark.parametrize("kind", KINDS)
def test_the_exports_hold_exactly_the_figures_of_the_page(kind) -> None:  # type: ignore[no-untyped-def]
    organiser = UserFactory()
    program = BUILDERS[kind](10, organiser)
    targets.set_target(
        actor=organiser,
        program=program,
        metric_key=kpi.for_kind(program.kind)[0].key,
        comparison="at_least",
        value=50,
    )
    client = _client(organiser)
    since = (timezone.localdate() - dt.timedelta(days=45)).isoformat()
    page = Tables(client.get(_url(program, since=since)).content.decode()).tables
    assert {"figures", "targets", "series"} <= set(page)
    body = json.loads(client.get(_url(program, since=since, format="json")).content)
    assert body["programme"] == program.slug and body["filters"]["from"] == since
    response = client.get(_url(program, since=since, format="csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    from_csv: dict[str, dict[tuple[str, str], str]] = {}
    for row in rows:
        from_csv.setdefault(row["table"], {})[(row["row"], row["column"])] = row["value"]
    # the page's tables (the cohorts' one is shown by its own partial)
    for key, page_rows in page.items():
        table = body["tables"][key]
        as_text = [["" if v is None else str(v) for v in r.values()] for r in table["rows"]]
        assert as_text == page_rows, key
        for r in table["rows"]:
            for column, value in r.items():
                first = str(next(iter(r.values())))
                assert from_csv[key][(first, column)] == ("" if value is None else str(value))
    # the cohorts, shown by evaluation/_cohorts.html: the same rows as the page's context
    shown = client.get(_url(program, since=since)).context["cohorts"]
    cohorts = body["tables"]["cohorts"]["rows"]
    assert [r["month"] for r in cohorts] == [row.month.isoformat() for row in shown.rows]
    assert [r["members"] for r in cohorts] == [row.size for row in shown.rows]
    assert set(body["tables"]) - set(page) == {"cohorts"}
    assert len(rows) == sum(len(t["rows"]) * len(t["columns"]) for t in body["tables"].values())


# ------------------------------------------------------------------- queries, privacy
@pytest.mark.parametrize("kind", KINDS)
def test_the_page_costs_no_more_queries_with_more_members(kind) -> None:  # type: ignore[no-untyped-def]
    def queries(n: int) -> int:
        organiser = UserFactory()
        program = BUILDERS[kind](n, organiser)
        client = _client(organiser)
        client.get(_url(program))  # the day's target readings and charts are made once
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url(program)).status_code == 200
            assert client.get(_url(program, team="Engineering")).status_code == 200
            assert client.get(_url(program, since="2024-01-01", format="csv")).status_code == 200
        return len(ctx.captured_queries)

    small, big = queries(10), queries(40)
    assert big <= small


@pytest.mark.parametrize("kind", KINDS)
def test_no_private_text_on_the_page_or_in_the_exports(kind) -> None:  # type: ignore[no-untyped-def]
    organiser = UserFactory()
    program = BUILDERS[kind](10, organiser)
    client = _client(organiser)
    for fmt in ("html", "csv", "json"):
        response = client.get(_url(program, format=fmt))
        assert response.status_code == 200
        assert SECRET not in response.content.decode(), fmt
