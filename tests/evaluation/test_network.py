"""Network metrics (issue 15): ties, new ties, the team matrix, team pairs connected and
distinct people met, worked out by hand; the stored summary, its refresh job and `peerly
tick`; the organiser's page, its CSV/JSON and who may open it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peerly.accounts.models import Visibility
from peerly.core.jobs import run_job
from peerly.core.models import Job
from peerly.evaluation import kpi
from peerly.evaluation import network
from peerly.evaluation.models import NetworkSummary
from peerly.evaluation.network import NO_TEAM
from peerly.evaluation.network import SMALL_TEAMS
from peerly.evaluation.network import Draw
from peerly.programs.models import ProgramKind
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

TEAMS = {**dict.fromkeys(range(1, 6), "Alpha"), **dict.fromkeys(range(6, 11), "Beta"), 11: "Solo"}


def _groups(event: int, *groups: tuple[int, ...], knew: set[int] = frozenset()) -> list[Draw]:  # type: ignore[assignment]
    return [
        Draw(event, event * 100 + g, u, True if u in knew else None)
        for g, members in enumerate(groups)
        for u in members
    ]


# ---------------------------------------------------------------------------- compute
def test_new_ties_repeats_known_before_and_the_team_matrix_by_hand() -> None:
    draws = [
        *_groups(1, (1, 6), (2, 7), (3, 4), (5, 11)),  # 4 ties: 3 cross (1-6, 2-7, 5-11)
        *_groups(2, (1, 6), (2, 3), (4, 8, 9)),  # 1-6 repeat; 2-3; 4-8, 4-9, 8-9
        *_groups(3, (7, 10), (5, 6), knew={10}),  # 7-10 known before; 5-6 new cross
    ]
    found = network.compute(draws, TEAMS)
    assert found["people"] == 11
    assert (found["new_ties"], found["known_before_ties"], found["repeat_draws"]) == (9, 1, 1)
    # cross-team: 1-6, 2-7, 5-11, 4-8, 4-9, 5-6
    assert found["new_cross_team_ties"] == 6
    assert found["events"] == [
        {"number": 1, "new": 4, "new_cross_team": 3},
        {"number": 2, "new": 4, "new_cross_team": 2},
        {"number": 3, "new": 1, "new_cross_team": 1},
    ]
    # Solo (1 person) is smaller than 5 and alone in the pool: left out of the matrix
    assert [t["key"] for t in found["teams"]] == ["Alpha", "Beta"]
    assert found["left_out_people"] == 1
    cells = {(a, b): n for a, b, n in found["matrix"]}
    # Alpha-Alpha: 3-4, 2-3; Alpha-Beta: 1-6, 2-7, 4-8, 4-9, 5-6; Beta-Beta: 8-9
    assert cells == {("Alpha", "Alpha"): 2, ("Alpha", "Beta"): 5, ("Beta", "Beta"): 1}
    assert (found["team_pairs"], found["team_pairs_connected"]) == (1, 1)
    # distinct people met: 1:{6} 2:{7,3} 3:{4,2} 4:{3,8,9} 5:{11,6} 6:{1,5} 7:{2,10}
    # 8:{4,9} 9:{4,8} 10:{7} 11:{5} -> 20 / 11
    assert found["distinct_met"] == pytest.approx(20 / 11)


def test_small_teams_are_pooled_once_there_are_five_people_in_them() -> None:
    teams = {1: "A", 2: "B", 3: "C", 4: "D", 5: "E", **dict.fromkeys(range(6, 11), "Big")}
    found = network.compute(_groups(1, (1, 6), (2, 7), (3, 4), (5, 8), (9, 10)), teams)
    assert [t["key"] for t in found["teams"]] == ["Big", SMALL_TEAMS]
    assert [t["people"] for t in found["teams"]] == [5, 5]
    assert found["left_out_people"] == 0
    cells = {(a, b): n for a, b, n in found["matrix"]}
    assert cells == {("Big", "Big"): 1, ("Big", SMALL_TEAMS): 3, (SMALL_TEAMS, SMALL_TEAMS): 1}
    assert (found["team_pairs"], found["team_pairs_connected"]) == (1, 1)


def test_no_draws_is_an_empty_summary() -> None:
    found = network.compute([], {})
    assert found["people"] == 0
    assert found["distinct_met"] is None
    assert found["matrix"] == [] and found["events"] == []


# ------------------------------------------------------------------ stored, from the db
def _coffee(n_people: int = 10):  # type: ignore[no-untyped-def]
    organiser = UserFactory()
    program = ProgramFactory(kind=ProgramKind.COFFEE, organisers=[organiser])
    users = [UserFactory() for _ in range(n_people)]
    for i, user in enumerate(users):
        EnrollmentFactory(program=program, user=user)
        user.profile.team = "Alpha" if i % 2 == 0 else "Beta"
        user.profile.save()
    return program, organiser, users


def _round(program, number: int, groups: list[list]) -> Round:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    round_ = Round.objects.create(
        program=program, number=number, published_at=timezone.now(), meets_from=today,
        meet_by=today + dt.timedelta(days=7),
    )  # fmt: skip
    for g, members in enumerate(groups, start=1):
        group = RoundGroup.objects.create(round=round_, number=g)
        for user in members:
            GroupMember.objects.create(group=group, round=round_, user=user)
    return round_


@pytest.mark.django_db
def test_a_team_hidden_from_organisers_counts_as_no_team_shown() -> None:
    program, _organiser, users = _coffee(10)
    hidden = users[0]
    hidden.profile.field_visibility = {"team": Visibility.PRIVATE}
    hidden.profile.save()
    _round(program, 1, [users[i : i + 2] for i in range(0, 10, 2)])
    teams = network._teams_seen_by_organisers([u.pk for u in users])
    assert teams[hidden.pk] == NO_TEAM
    assert teams[users[2].pk] == "Alpha" and teams[users[1].pk] == "Beta"


@pytest.mark.django_db
def test_refresh_is_idempotent_and_follows_the_history() -> None:
    program, _organiser, users = _coffee(10)
    _round(program, 1, [users[i : i + 2] for i in range(0, 10, 2)])
    first = network.refresh(program)
    assert first is not None and first.data["new_ties"] == 5
    again = network.refresh(program)
    assert again is not None and again.computed_at == first.computed_at  # nothing recomputed
    _round(program, 2, [[users[0], users[3]], [users[1], users[2]]])
    later = network.refresh(program)
    assert later is not None and later.data["new_ties"] == 7
    assert NetworkSummary.objects.filter(program=program).count() == 1
    # a new day recomputes (teams and visibility change without a draw)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    recomputed = network.refresh(program, today=tomorrow)
    assert recomputed is not None and recomputed.source_key.startswith(tomorrow.isoformat())


@pytest.mark.django_db
def test_tick_starts_one_job_per_stale_programme_and_the_job_stores_the_summary(
    django_capture_on_commit_callbacks,
) -> None:
    program, _organiser, users = _coffee(10)
    empty, _o, _u = _coffee(0)
    mentoring = ProgramFactory(kind=ProgramKind.MENTORSHIP)
    _round(program, 1, [users[i : i + 2] for i in range(0, 10, 2)])
    with django_capture_on_commit_callbacks(execute=False):
        assert network.tick() == {"network.refresh_started": 1}
        assert network.tick() == {"network.refresh_started": 0}  # the same job, not a second
    job = Job.objects.get(kind=network.JOB_KIND)
    assert job.program_id == program.pk
    assert run_job(job.pk) == "done"
    assert NetworkSummary.objects.get(program=program).data["new_ties"] == 5
    assert not NetworkSummary.objects.filter(program__in=[empty, mentoring]).exists()
    assert network.stale_programs() == []


@pytest.mark.django_db
def test_the_kpi_metrics_read_the_stored_summary_and_hide_under_five_people() -> None:
    program, _organiser, users = _coffee(10)
    _round(program, 1, [users[i : i + 2] for i in range(0, 10, 2)])
    assert kpi.get("distinct_people_met").figure(program=program).value is None  # none yet
    network.refresh(program)
    assert kpi.get("distinct_people_met").figure(program=program).value == 1.0
    cross = kpi.get("cross_team_ties").figure(program=program)
    assert (cross.value, cross.numerator, cross.denominator) == (100.0, 5, 5)
    small, _o, few = _coffee(4)
    _round(small, 1, [few[:2], few[2:]])
    network.refresh(small)
    assert kpi.get("team_pairs_connected").figure(program=small).value is None
    assert kpi.get("team_pairs_connected").applies_to("coffee")
    assert not kpi.get("team_pairs_connected").applies_to("mentorship")


# ------------------------------------------------------------------------------ pages
def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_page_csv_and_json_show_the_same_figures_to_organisers_only() -> None:
    program, organiser, users = _coffee(10)
    _round(program, 1, [users[i : i + 2] for i in range(0, 10, 2)])
    network.refresh(program)
    url = reverse("evaluation:network", kwargs={"slug": program.slug})
    page = _client(organiser).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "team pairs connected (1 of 1)" in html and "<svg" in html
    body = json.loads(_client(organiser).get(url + "?format=json").content)
    assert body["network"]["new_ties"] == 5
    assert body["network"]["teams"] == [
        {"team": "Alpha", "people": 5, "new_ties": [0, 5]},
        {"team": "Beta", "people": 5, "new_ties": [5, 0]},
    ]
    csv_text = _client(organiser).get(url + "?format=csv").content.decode()
    assert csv_text.splitlines() == ["team,people,Alpha,Beta", "Alpha,5,0,5", "Beta,5,5,0"]
    assert _client(organiser).get(url + "?format=xml").status_code == 400
    # a member, an outsider, a logged-out visitor; another kind's programme
    assert _client(users[0]).get(url).status_code == 403
    assert _client(UserFactory()).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    mentoring = ProgramFactory(kind=ProgramKind.MENTORSHIP, organisers=[organiser])
    other = reverse("evaluation:network", kwargs={"slug": mentoring.slug})
    assert _client(organiser).get(other).status_code == 404
    missing = reverse("evaluation:network", kwargs={"slug": "no-such-programme"})
    assert _client(organiser).get(missing).status_code == 404
    # the organiser's navigation links it
    manage = _client(organiser).get(reverse("rounds:manage-report", kwargs={"slug": program.slug}))
    assert url in manage.content.decode()


@pytest.mark.django_db
def test_the_page_says_not_shown_under_five_people_and_not_computed_yet() -> None:
    program, organiser, users = _coffee(4)
    url = reverse("evaluation:network", kwargs={"slug": program.slug})
    assert "Not computed yet" in _client(organiser).get(url).content.decode()
    _round(program, 1, [users[:2], users[2:]])
    network.refresh(program)
    page = _client(organiser).get(url).content.decode()
    assert "fewer than 5 members" in page
    assert json.loads(_client(organiser).get(url + "?format=json").content)["network"] is None


@pytest.mark.django_db
def test_refresh_now_starts_the_job_for_organisers_only(django_capture_on_commit_callbacks) -> None:
    program, organiser, users = _coffee(10)
    url = reverse("evaluation:network-refresh", kwargs={"slug": program.slug})
    assert _client(users[0]).post(url).status_code == 403
    assert not Job.objects.filter(kind=network.JOB_KIND).exists()
    with django_capture_on_commit_callbacks(execute=False):
        response = _client(organiser).post(url)
    job = Job.objects.get(kind=network.JOB_KIND)
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    assert _client(organiser).get(url).status_code == 405


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_at_any_size() -> None:
    def queries(n: int) -> int:
        program, organiser, users = _coffee(n)
        _round(program, 1, [users[i : i + 2] for i in range(0, n, 2)])
        network.refresh(program)
        client = _client(organiser)
        url = reverse("evaluation:network", kwargs={"slug": program.slug})
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    assert queries(10) == queries(40)


@pytest.mark.django_db
def test_circles_make_ties_season_by_season(circle_of) -> None:  # type: ignore[no-untyped-def]
    from peerly.circles.models import CircleMember

    program = ProgramFactory(kind=ProgramKind.CIRCLE, group_size=3)
    users = [UserFactory() for _ in range(6)]
    first = circle_of(program)  # season 1
    for pos, user in enumerate(users[:3]):
        CircleMember.objects.create(circle=first, season=first.season, user=user, position=pos)
    second = circle_of(program)  # season 2: two of the first circle again, one new
    for pos, user in enumerate([users[0], users[1], users[3]]):
        CircleMember.objects.create(circle=second, season=second.season, user=user, position=pos)
    summary = network.refresh(program)
    assert summary is not None
    data = summary.data
    assert (data["new_ties"], data["repeat_draws"], data["people"]) == (5, 1, 4)
    assert [(e["number"], e["new"]) for e in data["events"]] == [(1, 3), (2, 2)]
