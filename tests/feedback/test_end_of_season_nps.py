"""The NPS question at the end of a season, when the organisers chose it: `peerly tick` creates
one anonymous NPS survey per ended season (circle season, N coffee rounds, the mentorships
ended in a month), opens it to that season's people, closes it after the chosen days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peerly.feedback import services
from peerly.feedback.models import FeedbackSettings
from peerly.feedback.models import Receipt
from peerly.feedback.models import Survey
from peerly.feedback.seasons import create_end_surveys
from peerly.feedback.ticks import tick
from peerly.mentorship.models import Mentorship
from peerly.programs.models import ProgramKind
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.feedback.conftest import answers_for

pytestmark = pytest.mark.django_db


def _switch_on(program, days: int = 10, every: int = 3) -> None:  # type: ignore[no-untyped-def]
    FeedbackSettings.objects.create(
        program=program, nps_at_end=True, nps_days=days, nps_every_rounds=every
    )


def _nps_invited() -> set[str]:
    return {m.to[0] for m in mail.outbox if "your view" in m.subject}


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def test_off_by_default_nothing_is_created(add_members, publish) -> None:
    add_members(3)
    season = publish()
    assert create_end_surveys(now=_noon(season.ends_on + dt.timedelta(days=2))) == 0
    assert not Survey.objects.filter(kind="nps").exists()


def test_circle_season_end_once_to_its_members(
    program, add_members, publish, django_capture_on_commit_callbacks
) -> None:
    members = add_members(3)
    season = publish()
    outsider = add_members(1)[0]  # enrolled later, not in the season
    _switch_on(program, days=10)
    now = _noon(season.ends_on + dt.timedelta(days=2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = tick(now=now)
        second = tick(now=now)
    assert (first["end_of_season"], second["end_of_season"]) == (1, 0)
    survey = Survey.objects.get(kind="nps")
    assert survey.end_key == f"circle-season-{season.pk}" and survey.status == "open"
    assert survey.anonymity == "anonymous" and survey.questions.count() == 2
    assert survey.closes_at == now + dt.timedelta(days=10)
    assert _nps_invited() == {u.email for u in members}
    assert outsider.email not in _nps_invited()
    assert sum(1 for m in mail.outbox if "your view" in m.subject) == 3  # once each

    # a member answers; anonymity unchanged: a receipt without a link to the response
    services.submit_response(
        survey=survey, user=members[0], answers=answers_for(survey, value=9), now=now
    )
    assert survey.responses.get().respondent is None
    assert Receipt.objects.filter(survey=survey, user=members[0]).exists()

    # closed after its days, not scheduled again; a later tick creates nothing new
    later = now + dt.timedelta(days=11)
    counts = tick(now=later)
    survey.refresh_from_db()
    assert survey.status == "closed" and (counts["closed"], counts["scheduled"]) == (1, 0)
    assert tick(now=later)["end_of_season"] == 0
    assert Survey.objects.filter(kind="nps").count() == 1


def test_old_seasons_are_not_surveyed(program, add_members, publish) -> None:
    add_members(3)
    season = publish()
    _switch_on(program)
    assert create_end_surveys(now=_noon(season.ends_on + dt.timedelta(days=30))) == 0


def _coffee_round(program, number: int, meet_by: dt.date, people: list) -> None:  # type: ignore[no-untyped-def, type-arg]
    rnd = Round.objects.create(
        program=program,
        number=number,
        published_at=timezone.now(),
        meets_from=meet_by - dt.timedelta(days=6),
        meet_by=meet_by,
    )
    group = RoundGroup.objects.create(round=rnd, number=1)
    for user in people:
        GroupMember.objects.create(group=group, round=rnd, user=user)


def test_coffee_every_n_rounds(django_capture_on_commit_callbacks) -> None:
    program = ProgramFactory(kind=ProgramKind.COFFEE)
    people = [UserFactory() for _ in range(5)]
    for user in people:
        EnrollmentFactory(program=program, user=user)
    today = timezone.localdate()
    _coffee_round(program, 1, today - dt.timedelta(days=16), people[:2])
    _coffee_round(program, 2, today - dt.timedelta(days=9), people[2:4])
    _coffee_round(program, 3, today - dt.timedelta(days=2), people[:2])
    _coffee_round(program, 4, today - dt.timedelta(days=1), people[4:])  # 4 is no multiple of 3
    _switch_on(program, every=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert tick(now=timezone.now())["end_of_season"] == 1
    survey = Survey.objects.get(kind="nps")
    assert survey.end_key == "coffee-rounds-3" and "1 to 3" in survey.title
    assert sorted(survey.audience) == sorted(u.pk for u in people[:4])
    assert _nps_invited() == {u.email for u in people[:4]}
    # only the season's people see it on My surveys and may answer it
    from peerly.core.errors import ServiceError
    from peerly.feedback.selectors import list_open_surveys_for_user

    assert [s.pk for s in list_open_surveys_for_user(user=people[0])] == [survey.pk]
    assert list_open_surveys_for_user(user=people[4]) == []
    with pytest.raises(ServiceError):
        services.submit_response(
            survey=survey, user=people[4], answers=answers_for(survey, value=9)
        )
    assert not Receipt.objects.filter(survey=survey).exists()


def test_mentorships_ended_last_month(world, reach, django_capture_on_commit_callbacks) -> None:
    ms = reach("active")
    _switch_on(world.program)
    Mentorship.objects.filter(pk=ms.pk).update(
        status="ended", ended_at=dt.datetime(2031, 4, 20, 12, tzinfo=dt.UTC)
    )
    assert create_end_surveys(now=dt.datetime(2031, 4, 28, 12, tzinfo=dt.UTC)) == 0  # April
    assert create_end_surveys(now=dt.datetime(2031, 5, 20, 12, tzinfo=dt.UTC)) == 0  # too late
    with django_capture_on_commit_callbacks(execute=True):
        assert tick(now=dt.datetime(2031, 5, 2, 12, tzinfo=dt.UTC))["end_of_season"] == 1
    survey = Survey.objects.get(kind="nps")
    assert survey.end_key == "mentorship-ends-2031-04"
    assert set(survey.audience) == {world.mentee.pk, world.mentor.user_id}
    assert world.mentee.email in _nps_invited()


def test_settings_page_saves_and_refuses_bad_input(client) -> None:
    boss = UserFactory()
    program = ProgramFactory(organisers=[boss])
    url = reverse("feedback:settings", args=[program.slug])
    member = UserFactory()
    EnrollmentFactory(program=program, user=member)
    client.force_login(member)
    refused = client.post(url, {"nps_at_end": "on", "nps_days": "7", "nps_every_rounds": "4"})
    assert refused.status_code in (403, 404)
    assert not FeedbackSettings.objects.exists()  # not an organiser
    client.force_login(boss)
    page = client.get(reverse("feedback:manage", args=[program.slug]))
    assert page.status_code == 200 and b'name="nps_days"' in page.content
    for bad in (
        {"nps_at_end": "on", "nps_days": "0", "nps_every_rounds": "4"},
        {"nps_at_end": "on", "nps_days": "999", "nps_every_rounds": "4"},
        {"nps_at_end": "on", "nps_days": "x" * 5000, "nps_every_rounds": "4"},
        {"nps_at_end": "on", "nps_days": "7", "nps_every_rounds": "0"},
        {"nps_at_end": "on"},
    ):
        assert client.post(url, bad).status_code == 400, bad
    assert not FeedbackSettings.objects.exists()
    assert client.get(url).status_code == 405
    response = client.post(url, {"nps_at_end": "on", "nps_days": "7", "nps_every_rounds": "4"})
    assert response.status_code == 302
    saved = FeedbackSettings.objects.get(program=program)
    assert (saved.nps_at_end, saved.nps_days, saved.nps_every_rounds) == (True, 7, 4)
    client.post(url, {"nps_days": "7", "nps_every_rounds": "4"})  # unticked: off again
    saved.refresh_from_db()
    assert saved.nps_at_end is False


def test_queries_do_not_grow_with_the_members(program, add_members, publish) -> None:
    counts = []
    _switch_on(program)
    starts_on = None
    for size in (3, 12):
        Survey.objects.filter(kind="nps").delete()
        add_members(size)
        season = publish(**({"starts_on": starts_on} if starts_on else {}))
        starts_on = season.ends_on + dt.timedelta(days=30)
        now = _noon(season.ends_on + dt.timedelta(days=2))
        with CaptureQueriesContext(connection) as ctx:
            assert create_end_surveys(now=now) >= 1
        counts.append(len(ctx.captured_queries))
    small, big = counts
    assert big <= small + 2, counts
