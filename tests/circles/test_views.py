"""Organiser and member pages end to end through the Django test client."""

from __future__ import annotations

import pytest

from peerly.circles.models import CircleSettings
from peerly.circles.models import Season
from peerly.programs.models import ProgramKind
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db
BASE = "/programs/circles/circles"


def test_settings_have_defaults_and_can_be_changed(program, organiser, client):
    client.force_login(organiser)
    page = client.get(f"{BASE}/manage/settings/").content.decode()
    assert 'value="12"' in page and 'value="90"' in page
    settings = CircleSettings.objects.get(program=program)
    assert (
        settings.season_weeks,
        settings.interval_weeks,
        settings.session_minutes,
        settings.group_size,
        settings.strategy,
    ) == (12, 2, 90, 3, "strangers")
    response = client.post(
        f"{BASE}/manage/settings/",
        {
            "season_weeks": 10,
            "interval_weeks": 2,
            "session_minutes": 60,
            "group_size": 3,
            "strategy": "familiar",
            "team_rule": "none",
            "reminder_hours": 24,
        },
    )
    assert response.status_code == 302
    settings.refresh_from_db()
    assert (settings.season_weeks, settings.session_minutes, settings.strategy) == (
        10,
        60,
        "familiar",
    )
    bad = client.post(
        f"{BASE}/manage/settings/",
        {
            "season_weeks": 10,
            "interval_weeks": 9,
            "session_minutes": 60,
            "group_size": 3,
            "strategy": "familiar",
            "team_rule": "none",
            "reminder_hours": 24,
        },
    )
    assert bad.status_code == 200 and "Between 1 and 4" in bad.content.decode()


def test_preview_redraw_and_publish_twice(
    program, organiser, add_members, client, django_capture_on_commit_callbacks
):
    users = add_members(7)
    loner = add_members(1, windows=((6, 0, 30),))[0]
    client.force_login(organiser)
    page = client.get(f"{BASE}/manage/form/?seed=1&starts_on=2030-01-07&strategy=strangers")
    body = page.content.decode()
    assert "never met before" in body and "absorbs the remainder" in body
    assert loner.name in body and "Not placed (1)" in body
    assert "seed=2" in body  # the redraw link
    data = {"number": 1, "seed": 1, "starts_on": "2030-01-07", "strategy": "strangers"}
    with django_capture_on_commit_callbacks(execute=True):  # the job runs at commit
        started = client.post(f"{BASE}/manage/form/", data)
    first = client.get(started.url, follow=True)  # the job's page, done: on to the season
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(f"{BASE}/manage/form/", data, follow=True)
    assert "Season 1 published: 2 circles" in first.content.decode()
    assert "already published" in second.content.decode()
    assert Season.objects.count() == 1
    manage = client.get(f"{BASE}/manage/").content.decode()
    assert "Circle 2" in manage and "voting" in manage
    assert users[0].name in manage  # organisers see who is in which circle


def test_member_is_told_why_they_have_no_circle(program, add_members, publish, client):
    add_members(3)
    loner = add_members(1, windows=())[0]
    publish()
    client.force_login(loner)
    page = client.get(f"{BASE}/").content.decode()
    assert "not in a circle this season" in page and "availability" in page


def test_other_programme_kinds_have_no_circle_pages(organiser, client):
    ProgramFactory(kind=ProgramKind.COFFEE, slug="coffee", organisers=[organiser])
    client.force_login(organiser)
    assert client.get("/programs/coffee/circles/manage/").status_code == 404


def test_home_dashboard_asks_members_to_vote(program, add_members, publish, client):
    users = add_members(3)
    publish()
    client.force_login(users[0])
    page = client.get("/home/").content.decode()
    assert "pick the weekly slots" in page


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("member", ["My circle", "People I know", "Guides"], ["Form a season"]),
        ("organiser", ["My circle", "Circles", "Circle settings", "Form a season"], []),
    ],
)
def test_member_pages_use_the_kinds_navigation(
    program, organiser, add_members, client, who, shown, hidden
):  # type: ignore[no-untyped-def]
    user = organiser if who == "organiser" else add_members(1)[0]
    client.force_login(user)
    page = client.get(f"{BASE}/guides/method/").content.decode()
    nav = page[page.index('<nav aria-label="Peer-coaching circles"') :]
    nav = nav[: nav.index("</nav>")]
    for label in shown:
        assert f">{label}</a>" in nav
    for label in hidden:
        assert f">{label}</a>" not in nav
    assert 'aria-current="page">Guides</a>' in nav
