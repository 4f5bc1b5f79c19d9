"""After-session feedback for every kind, through the kind's `feedback_occasion` hook: a
circle session, a month of mentoring (its report) and a coffee meeting. Only the people who
were there can answer, once per occasion; sharing sends the two texts to the others."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerly.circles.models import CircleSession
from peerly.core.errors import ServiceError
from peerly.feedback import services
from peerly.feedback.models import PeerFeedback
from peerly.feedback.models import Response
from peerly.mentorship.models import MonthlyReport
from peerly.programs import kinds
from peerly.programs.models import ProgramKind
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from tests.circles.conftest import member_users
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _coffee_group(n: int = 2, *, meets_from: dt.date | None = None):  # type: ignore[no-untyped-def]
    program = ProgramFactory(kind=ProgramKind.COFFEE)
    today = timezone.localdate()
    meets_from = meets_from or today - dt.timedelta(days=3)
    rnd = Round.objects.create(
        program=program,
        number=1,
        published_at=timezone.now(),
        meets_from=meets_from,
        meet_by=meets_from + dt.timedelta(days=6),
    )
    group = RoundGroup.objects.create(round=rnd, number=1)
    users = [UserFactory() for _ in range(n)]
    for user in users:
        EnrollmentFactory(program=program, user=user)
        GroupMember.objects.create(group=group, round=rnd, user=user, answer="all", rating=4)
    return program, group, users


def test_every_kind_names_its_occasions() -> None:
    assert {k.code for k in kinds.registry() if k.hooks.feedback_occasion} >= {
        "coffee",
        "circle",
        "mentorship",
    }


def test_circle_session_feedback_shared_with_the_circle(scheduled_circle) -> None:
    session = scheduled_circle.sessions.order_by("number").first()
    me, *others = member_users(scheduled_circle)
    ref = f"session-{session.pk}"
    # a session still to come is no occasion yet
    assert services.resolve_occasion(kind_code="circle", ref=ref, user=me) is None
    CircleSession.objects.filter(pk=session.pk).update(status="held")
    occasion = services.resolve_occasion(kind_code="circle", ref=ref, user=me)
    assert occasion is not None and set(occasion.people) == {u.pk for u in (me, *others)}
    assert services.resolve_occasion(kind_code="circle", ref=ref, user=UserFactory()) is None
    services.submit_session_feedback(
        user=me,
        kind_code="circle",
        occasion=occasion,
        useful=5,
        helped="Your questions",
        change="Start on time",
        share=True,
    )
    received = PeerFeedback.objects.filter(author=me)
    assert sorted(f.recipient_id for f in received) == sorted(u.pk for u in others)
    assert {(f.helped, f.change) for f in received} == {("Your questions", "Start on time")}
    with pytest.raises(ServiceError, match="already"):
        services.submit_session_feedback(user=me, kind_code="circle", occasion=occasion, useful=4)
    response = Response.objects.get()
    assert response.respondent == me and response.occasion == f"circle:{ref}"
    assert response.survey.program == scheduled_circle.program

    # the second member answers without sharing: nobody receives anything from them
    services.submit_session_feedback(
        user=others[0],
        kind_code="circle",
        occasion=services.resolve_occasion(kind_code="circle", ref=ref, user=others[0]),
        useful=3,
        helped="kept private",
    )
    assert not PeerFeedback.objects.filter(author=others[0]).exists()


def test_mentorship_report_feedback_goes_to_the_mentor(world, reach) -> None:
    ms = reach("active")
    report = MonthlyReport.objects.create(
        mentorship=ms, month=dt.date(2030, 1, 1), did="Things", submitted_at=timezone.now()
    )
    ref = f"report-{report.pk}"
    occasion = services.resolve_occasion(kind_code="mentorship", ref=ref, user=world.mentee)
    assert occasion is not None
    assert set(occasion.people) == {world.mentee.pk, world.mentor.user_id}
    assert (
        services.resolve_occasion(kind_code="mentorship", ref=ref, user=world.other_mentee) is None
    )
    assert services.resolve_occasion(kind_code="mentorship", ref=ref, user=world.organiser) is None
    services.submit_session_feedback(
        user=world.mentee,
        kind_code="mentorship",
        occasion=occasion,
        useful=4,
        helped="The reading list",
        share=True,
    )
    assert PeerFeedback.objects.get().recipient == world.mentor.user


def test_coffee_feedback_keeps_the_checkin_rating() -> None:
    _program, group, (me, partner) = _coffee_group()
    occasion = services.resolve_occasion(kind_code="coffee", ref=f"group-{group.pk}", user=me)
    assert occasion is not None and set(occasion.people) == {me.pk, partner.pk}
    services.submit_session_feedback(user=me, kind_code="coffee", occasion=occasion, useful=2)
    assert GroupMember.objects.get(user=me).rating == 4  # the check-in's own rating is untouched
    _p, future, (early, _x) = _coffee_group(meets_from=timezone.localdate() + dt.timedelta(days=5))
    assert (
        services.resolve_occasion(kind_code="coffee", ref=f"group-{future.pk}", user=early) is None
    )


def test_bad_references_are_no_occasion_and_a_stranger_is_refused() -> None:
    _program, group, (me, _partner) = _coffee_group()
    for kind, ref in (
        ("coffee", "group-x"),
        ("coffee", f"session-{group.pk}"),
        ("nope", f"group-{group.pk}"),
        ("coffee", "group-" + "9" * 30),
    ):
        assert services.resolve_occasion(kind_code=kind, ref=ref, user=me) is None
    occasion = services.resolve_occasion(kind_code="coffee", ref=f"group-{group.pk}", user=me)
    with pytest.raises(PermissionDenied):
        services.submit_session_feedback(
            user=UserFactory(), kind_code="coffee", occasion=occasion, useful=3
        )


def test_the_session_page_for_members_only_and_bad_input_is_a_4xx() -> None:
    _program, group, (me, partner) = _coffee_group()
    url = reverse("feedback:session", args=["coffee", f"group-{group.pk}"])
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(url).status_code == 404
    client = Client()
    client.force_login(me)
    page = client.get(url)
    assert page.status_code == 200
    assert b"<fieldset" in page.content and b"<legend>" in page.content
    assert client.post(url, {"useful": "99"}).status_code == 200  # the form says what is wrong
    assert client.post(url, {"useful": "x" * 5000}).status_code == 200
    assert not Response.objects.exists()
    assert client.post(url, {"useful": "4", "helped": "Nice", "share": "on"}).status_code == 302
    assert PeerFeedback.objects.get().recipient == partner
    again = client.get(url)
    assert b"already given feedback" in again.content
    assert client.get(reverse("feedback:session", args=["coffee", "group-abc"])).status_code == 404
    # the partner reads it on their page
    other = Client()
    other.force_login(partner)
    assert b"Nice" in other.get(reverse("feedback:home")).content
    assert b"Nice" not in stranger.get(reverse("feedback:home")).content


def test_withdrawing_and_ending_a_mentorship_ask_why(world, reach, client) -> None:
    from peerly.feedback.models import SurveyKind

    ms = reach("submitted")
    client.force_login(world.mentee)
    detail = reverse("mentorship:mentorship-detail", args=[world.program.slug, ms.pk])
    page = client.get(detail).content.decode()
    assert 'name="exit_reason"' in page and "<legend>" in page
    url = reverse("mentorship:mentorship-action", args=[world.program.slug, ms.pk, "withdraw"])
    assert client.post(url, {"reason": "later", "exit_reason": "bogus"}).status_code == 302
    ms.refresh_from_db()
    assert ms.status == "submitted"  # refused, nothing changed
    client.post(url, {"reason": "Found one elsewhere", "exit_reason": "no_time"})
    ms.refresh_from_db()
    assert ms.status == "withdrawn" and ms.closing_reason == "Found one elsewhere"
    exit_survey = world.program.surveys.get(kind=SurveyKind.EXIT)
    (response,) = exit_survey.responses.all()
    assert response.respondent == world.mentee and response.occasion == f"mentorship-{ms.pk}"
    assert [a.choice for a in response.answers.all()] == ["no_time"]  # the text stays apart

    active = reach("active", user=world.other_mentee)
    client.force_login(world.other_mentee)
    end = reverse("mentorship:mentorship-action", args=[world.program.slug, active.pk, "end"])
    client.post(end, {"reason": "Moving on", "exit_reason": "goal_reached"})
    active.refresh_from_db()
    assert active.status == "ended"
    assert exit_survey.responses.count() == 2


def test_the_kinds_pages_link_to_the_form(world, reach) -> None:
    program, group, (me, _partner) = _coffee_group()
    client = Client()
    client.force_login(me)
    page = client.get(reverse("rounds:group-detail", args=[program.slug, group.pk]))
    assert (
        reverse("feedback:session", args=["coffee", f"group-{group.pk}"]) in page.content.decode()
    )

    ms = reach("active")
    report = MonthlyReport.objects.create(
        mentorship=ms, month=dt.date(2030, 1, 1), did="Things", submitted_at=timezone.now()
    )
    link = reverse("feedback:session", args=["mentorship", f"report-{report.pk}"])
    report_url = reverse("mentorship:report-detail", args=[world.program.slug, report.pk])
    for user in (world.mentee, world.mentor.user):
        client.force_login(user)
        response = client.get(report_url)
        assert response.status_code == 200
        assert link in response.content.decode()
