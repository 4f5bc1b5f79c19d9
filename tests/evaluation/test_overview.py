"""The overview across programmes (issue 15): who may open it and which programmes each sees,
one row per programme linking to its dashboard, the date filter, pagination, exports that
agree with the page, and the same queries at any number of members."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerly.evaluation.views_dashboard import OVERVIEW_PER_PAGE
from peerly.programs.models import Program
from tests.evaluation.dashboard_data import BUILDERS
from tests.evaluation.dashboard_data import SECRET
from tests.evaluation.dashboard_data import Tables
from tests.evaluation.dashboard_data import coffee
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/metrics/overview/"


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _slugs(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [row[0] for row in Tables(response.content.decode()).tables["overview"]]


def test_the_url_and_who_may_open_it(personas) -> None:  # type: ignore[no-untyped-def]
    assert reverse("evaluation:overview") == URL
    assert personas.client("anonymous").get(URL).status_code == 302
    assert personas.client("outsider").get(URL).status_code == 403
    assert personas.client("member").get(URL).status_code == 403
    assert personas.client("member").get(URL + "?format=json").status_code == 403
    # an organiser sees their programmes only; a site admin every programme
    other = personas.client("other_organiser").get(URL)
    assert other.status_code == 200 and _slugs(other) == [personas.other_program.slug]
    mine = personas.client("organiser").get(URL)
    assert mine.status_code == 200 and _slugs(mine) == [personas.program.slug]
    everything = personas.client("admin").get(URL)
    assert set(_slugs(everything)) == set(Program.objects.values_list("slug", flat=True))


def test_a_row_per_programme_with_the_kinds_figures_linking_to_its_dashboard() -> None:
    organiser = UserFactory()
    programs = {kind: build(10, organiser) for kind, build in BUILDERS.items()}
    tiny = coffee(4, organiser)
    response = _client(organiser).get(URL)
    html = response.content.decode()
    parsed = Tables(html)
    rows = {row[0]: row for row in parsed.tables["overview"]}
    assert set(rows) == {p.slug for p in programs.values()} | {tiny.slug}
    for program in [*programs.values(), tiny]:
        assert reverse("evaluation:dashboard", kwargs={"slug": program.slug}) in html
    # programme, kind, taking part, met rate, attendance, nps, goal attainment, active
    # after 3 rounds, retention
    coffee_row = rows[programs["coffee"].slug]
    assert coffee_row[1:4] == ["coffee", "10", "40.0"]
    assert rows[programs["circle"].slug][4] == "95.0"  # attendance: 19 of 20
    assert rows[programs["mentorship"].slug][2] == "11"  # 10 mentees and the mentor
    assert rows[tiny.slug][2:4] == ["", ""]  # 4 people: neither the count nor a rate
    # a kind's missing metric is "—", not 0
    texts = dict(zip(rows, parsed.texts["overview"], strict=True))
    assert texts[programs["mentorship"].slug][3] == "—"
    for key in ("met_rate", "attendance", "nps", "goal_attainment"):
        assert f"{reverse('evaluation:definitions')}#{key}" in html
    assert SECRET not in html


def test_the_date_filter_and_its_errors() -> None:
    organiser = UserFactory()
    coffee(10, organiser)
    client = _client(organiser)
    old = client.get(URL + "?since=2020-01-01&until=2020-06-30")
    assert old.status_code == 200
    bad = client.get(URL + "?since=2021-01-01&until=2020-06-30")
    assert bad.status_code == 400 and "From: the period must start" in bad.content.decode()
    assert client.get(URL + "?until=nope&format=csv").status_code == 400
    assert client.get(URL + "?format=pdf").status_code == 400
    assert 'name="team"' not in client.get(URL).content.decode()  # dates only


def test_programmes_are_paginated_for_a_site_admin() -> None:
    admin = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(OVERVIEW_PER_PAGE + 3):
        ProgramFactory()
    client = _client(admin)
    first = client.get(URL)
    assert len(_slugs(first)) == OVERVIEW_PER_PAGE
    assert "page=2" in first.content.decode()
    assert len(_slugs(client.get(URL + "?page=2"))) == 3


def test_the_exports_hold_exactly_the_figures_of_the_page() -> None:
    organiser = UserFactory()
    for build in BUILDERS.values():
        build(10, organiser)
    client = _client(organiser)
    page = Tables(client.get(URL + "?since=2024-01-01").content.decode()).tables["overview"]
    body = json.loads(client.get(URL + "?since=2024-01-01&format=json").content)
    assert body["filters"]["from"] == "2024-01-01" and body["page"] == 1
    rows = body["tables"]["overview"]["rows"]
    assert [["" if v is None else str(v) for v in r.values()] for r in rows] == page
    exported = list(
        csv.DictReader(
            io.StringIO(client.get(URL + "?since=2024-01-01&format=csv").content.decode())
        )
    )
    cells = {(r["row"], r["column"]): r["value"] for r in exported}
    columns = body["tables"]["overview"]["columns"]
    assert len(exported) == len(page) * len(columns)
    for row in page:
        for column, value in zip(columns, row, strict=True):
            assert cells[(row[0], column)] == value


def test_the_queries_do_not_grow_with_members() -> None:
    def queries(n: int) -> int:
        organiser = UserFactory()
        for build in BUILDERS.values():
            build(n, organiser)
        client = _client(organiser)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    small, big = queries(10), queries(40)
    assert big <= small


def test_the_metrics_page_links_the_overview_for_organisers_only(personas) -> None:  # type: ignore[no-untyped-def]
    definitions = reverse("evaluation:definitions")
    assert URL in personas.client("organiser").get(definitions).content.decode()
    assert URL in personas.client("admin").get(definitions).content.decode()
    assert URL not in personas.client("member").get(definitions).content.decode()
