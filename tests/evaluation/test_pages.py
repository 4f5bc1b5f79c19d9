"""The KPI dictionary's interfaces: the definitions page (/metrics/), the API
(/api/v1/metrics/definitions) and the organisers' growth figures on the members page —
persona tables, figures linking to their definitions, nothing from fewer than 5 people and
never a goal's text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from peerly.evaluation import kpi
from peerly.growth.models import Goal
from peerly.growth.models import GoalStatus
from peerly.growth.models import Milestone
from peerly.growth.models import ProgressMode
from peerly.programs.models import ProgramKind
from tests.evaluation.conftest import SECRET
from tests.evaluation.conftest import action
from tests.evaluation.conftest import goal
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PAGE = "/metrics/"
LONG_AGO = dt.date(2001, 1, 1)  # the pages count as of the real today
API = "/api/v1/metrics/definitions"
EVERYONE = ("outsider", "member", "other_organiser", "organiser", "admin")


# ------------------------------------------------------------------ definitions page
@pytest.mark.parametrize("persona", [*EVERYONE, "anonymous"])
def test_the_definitions_page_is_for_anyone_signed_in(personas, persona) -> None:
    client = personas.client(persona)
    response = client.get(PAGE)
    if persona == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 200
    page = response.content.decode()
    for metric in kpi.registry():
        assert f'id="{metric.key}"' in page
        for text in (metric.name, metric.definition, metric.unknowns):
            assert escape(str(text)) in page
    assert "Peer-coaching circles, Mentorship" in page  # action completion's kinds
    assert "shown from 5 people" in page


@pytest.mark.parametrize("persona", [*EVERYONE, "anonymous"])
def test_the_definitions_page_refuses_a_post(personas, persona) -> None:
    response = personas.client(persona).post(PAGE, {"key": "x"})
    assert response.status_code == (302 if persona == "anonymous" else 405)


def test_reverse_gives_the_page() -> None:
    assert reverse("evaluation:definitions") == PAGE


# ---------------------------------------------------------------------------------- API
@pytest.mark.parametrize("persona", [*EVERYONE, "anonymous"])
def test_the_definitions_api(personas, persona) -> None:
    response = personas.client(persona).get(API)
    if persona == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    rows = {row["key"]: row for row in response.json()}
    assert list(rows) == [m.key for m in kpi.registry()]
    attainment = rows["goal_attainment"]
    assert attainment["unit"] == "percent" and attainment["kinds"] == []
    assert attainment["min_people"] == 5
    assert attainment["url"] == f"{PAGE}#goal_attainment"
    assert "target date" in attainment["definition"] and attainment["unknowns"]
    assert rows["action_completion"]["kinds"] == ["circle", "mentorship"]
    assert rows["goals_per_member"]["unit"] == "per_member"


@pytest.mark.parametrize("persona", ["member", "anonymous"])
def test_the_definitions_api_is_read_only(personas, persona) -> None:
    response = personas.client(persona).post(API, {}, content_type="application/json")
    assert response.status_code in (401, 405)


# --------------------------------------------------------- the organisers' growth card
def _members_page(slug: str) -> str:
    return reverse("programs:manage", kwargs={"slug": slug})


def _six_with_goals(program) -> list:  # type: ignore[no-untyped-def]
    """Six members with a goal each: 2 achieved, 1 dropped, 3 active and late (one at 50 %)."""
    owners = [UserFactory() for _ in range(6)]
    for i, owner in enumerate(owners):
        EnrollmentFactory(program=program, user=owner)
        status = GoalStatus.ACHIEVED if i < 2 else GoalStatus.DROPPED if i == 2 else None
        goal(
            owner,
            program,
            target_on=LONG_AGO,
            percent=50 if i == 5 else 0,
            **({"status": status} if status else {}),
        )
    return owners


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("member", 403),
        ("other_organiser", 403),
        ("organiser", 200),
        ("admin", 200),
    ],
)
def test_only_the_programmes_organisers_see_its_growth_figures(personas, persona, status) -> None:
    _six_with_goals(personas.program)
    goal(personas.member, personas.program, status=GoalStatus.ACHIEVED)
    before = list(Goal.objects.values_list("id", "status", "title"))
    for method in ("get", "post"):
        response = getattr(personas.client(persona), method)(_members_page(personas.program.slug))
        page = response.content.decode()
        assert SECRET not in page
        if method == "get":
            assert response.status_code == status
            shown = f"{PAGE}#goal_attainment" in page
            assert shown is (status == 200)
    assert list(Goal.objects.values_list("id", "status", "title")) == before


def test_the_card_shows_each_growth_metric_linked_to_its_definition(personas) -> None:
    owners = _six_with_goals(personas.program)
    goal(owners[0], personas.program, target_on=LONG_AGO)
    page = personas.client("organiser").get(_members_page(personas.program.slug))
    text = page.content.decode()
    assert SECRET not in text
    for key in ("goal_progress", "goal_attainment", "goals_per_member"):
        assert f'href="{PAGE}#{key}"' in text
    assert "action_completion" not in text  # not a coffee metric
    # progress: (100 + 100 + 0 + 0 + 50 + 0) / 6 goals of 5 people (the dropped one left out)
    assert "42 %" in text and "5 people" in text
    assert "29 %" in text and "(2 of 7)" in text  # attainment: 2 achieved of 7 due, 6 people
    assert "0.9" in text and "8 people" in text  # 7 goals, 8 active members (2 without one)


def test_below_five_people_the_card_shows_no_figure(personas) -> None:
    for owner in (personas.member, personas.other_member):
        goal(owner, personas.program, status=GoalStatus.ACHIEVED)
    text = personas.client("organiser").get(_members_page(personas.program.slug)).content
    text = text.decode()
    assert "Too few people yet" in text
    assert "100 %" not in text and SECRET not in text
    assert f"{PAGE}#goal_attainment" not in text


def test_one_figure_hidden_the_others_shown(personas) -> None:
    for _ in range(5):
        EnrollmentFactory(program=personas.program, user=UserFactory())
    for owner in (personas.member, personas.other_member):
        goal(owner, personas.program, status=GoalStatus.ACHIEVED)
    text = personas.client("organiser").get(_members_page(personas.program.slug)).content
    text = text.decode()  # 7 active members, 2 goals: goals per member shown, the rest not
    assert "0.3" in text or "0,3" in text
    assert text.count("not shown: fewer than 5 people") == 2
    assert "100 %" not in text


def test_a_circles_programme_shows_action_completion(personas, circle_of) -> None:
    program = ProgramFactory(kind=ProgramKind.CIRCLE, organisers=[personas.organiser])
    circle = circle_of(program)
    for owner in _six_with_goals(program):
        action(owner, circle=circle, due_on=LONG_AGO)
        action(owner, circle=circle, status="done")
    text = personas.client("organiser").get(_members_page(program.slug)).content.decode()
    assert f'href="{PAGE}#action_completion"' in text
    assert "50 %" in text and "(6 of 12)" in text
    assert "ZZKPI-SECRET" not in text


def test_the_members_page_queries_do_not_grow_with_goals(
    personas, circle_of, django_assert_max_num_queries
) -> None:
    program = ProgramFactory(kind=ProgramKind.CIRCLE, organisers=[personas.organiser])
    circle = circle_of(program)
    client = personas.client("organiser")
    url = _members_page(program.slug)

    def add(n: int) -> None:
        for _ in range(n):
            owner = UserFactory()
            EnrollmentFactory(program=program, user=owner)
            for _ in range(2):
                g = goal(owner, program, progress_mode=ProgressMode.MILESTONES)
                Milestone.objects.create(goal=g, title="m")
            action(owner, circle=circle, due_on=LONG_AGO)

    add(5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add(30)
    with django_assert_max_num_queries(len(small) + 1):
        assert client.get(url).status_code == 200
