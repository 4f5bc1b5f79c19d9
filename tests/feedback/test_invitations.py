"""After-session invitations from `peerly tick`: one email "How was it? 1 minute" per occasion
and member, through the outbox (once by key, opt-outs honoured), only to those who have not
answered, only for occasions of the last week, in queries that do not grow with the members."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peerly.circles.models import CircleSession
from peerly.feedback import services
from peerly.feedback.invitations import invite_after_session
from peerly.feedback.ticks import tick
from peerly.mentorship.models import MonthlyReport
from peerly.notifications.categories import Category
from peerly.notifications.models import EmailOptOut
from peerly.notifications.models import OutboundEmail
from peerly.programs.models import ProgramKind
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from tests.circles.conftest import member_users
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _round(program, number: int, meet_by: dt.date) -> Round:  # type: ignore[no-untyped-def]
    return Round.objects.create(
        program=program,
        number=number,
        published_at=timezone.now(),
        meets_from=meet_by - dt.timedelta(days=6),
        meet_by=meet_by,
    )


def _group(rnd: Round, number: int, answers: list[str]) -> list:  # type: ignore[type-arg]
    group = RoundGroup.objects.create(round=rnd, number=number)
    users = []
    for answer in answers:
        user = UserFactory()
        EnrollmentFactory(program=rnd.program, user=user)
        GroupMember.objects.create(group=group, round=rnd, user=user, answer=answer)
        users.append(user)
    return users


def _invitations() -> list:  # type: ignore[type-arg]
    return [m for m in mail.outbox if "How was it?" in m.subject]


def _invited() -> set[str]:
    return {m.to[0] for m in _invitations()}


def test_coffee_invites_who_met_once_the_window_closed(django_capture_on_commit_callbacks) -> None:
    program = ProgramFactory(kind=ProgramKind.COFFEE, name="Coffee & Code")
    today = timezone.localdate()
    closed = _round(program, 1, today - dt.timedelta(days=2))
    met, silent, _did_not = _group(closed, 1, ["all", "", "no"])  # "all of us met": silent too
    some, _unknown = _group(closed, 2, ["some", ""])  # only who said they met
    _group(closed, 3, ["not_yet", ""])  # nobody met: nothing
    _group(_round(program, 2, today + dt.timedelta(days=1)), 1, ["all", "all"])  # still open
    _group(_round(program, 3, today - dt.timedelta(days=30)), 1, ["all", "all"])  # too old
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        first = tick(now=now)
        second = tick(now=now)
    assert (first["after_session"], second["after_session"]) == (3, 0)
    assert _invited() == {met.email, silent.email, some.email}
    assert len(_invitations()) == 3  # tick twice: one email each
    email = next(m for m in mail.outbox if m.to[0] == met.email)
    group_id = GroupMember.objects.get(user=met).group_id
    url = reverse("feedback:session", args=["coffee", f"group-{group_id}"])
    assert "How was it? 1 minute" in email.subject
    assert url in email.body
    assert "Coffee & Code" in email.body and "&amp;" not in email.body  # text: not escaped
    html = email.alternatives[0][0]  # type: ignore[attr-defined]
    assert "Coffee &amp; Code" in html and url in html
    assert OutboundEmail.objects.filter(key__startswith="feedback.after:coffee:").count() == 3


def test_opt_out_and_answered_are_not_invited(django_capture_on_commit_callbacks) -> None:
    program = ProgramFactory(kind=ProgramKind.COFFEE)
    rnd = _round(program, 1, timezone.localdate() - dt.timedelta(days=1))
    answered, opted_out, invited = _group(rnd, 1, ["all", "all", "all"])
    EmailOptOut.objects.create(user=opted_out, category=Category.FEEDBACK_REQUESTS)
    group = RoundGroup.objects.get()
    occasion = services.resolve_occasion(kind_code="coffee", ref=f"group-{group.pk}", user=answered)
    assert occasion is not None
    services.submit_session_feedback(
        user=answered, kind_code="coffee", occasion=occasion, useful=5, helped="Secret words"
    )
    with django_capture_on_commit_callbacks(execute=True):
        tick(now=timezone.now())
    assert _invited() == {invited.email}
    skipped = OutboundEmail.objects.get(user=opted_out)
    assert skipped.skipped_at is not None  # recorded by the outbox, never sent
    assert not OutboundEmail.objects.filter(user=answered).exists()
    # the invitation says nothing about anybody's answer
    (email,) = _invitations()
    assert "Secret words" not in email.body
    assert "5" not in email.subject.replace(program.name, "")  # the programme's name may hold a 5
    assert answered.name not in email.body


def test_circle_session_held_or_ended_invites_the_circle(
    scheduled_circle, django_capture_on_commit_callbacks
) -> None:
    first, second, *_rest = scheduled_circle.sessions.order_by("number")
    now = timezone.now()
    CircleSession.objects.filter(pk=first.pk).update(
        status="held", held_at=now, starts_at=now - dt.timedelta(hours=1)
    )
    # the second one's time passed but it was cancelled: no invitation
    CircleSession.objects.filter(pk=second.pk).update(
        status="cancelled", starts_at=now - dt.timedelta(hours=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tick(now=now)["after_session"] == len(member_users(scheduled_circle))
        assert tick(now=now)["after_session"] == 0
    assert _invited() == {u.email for u in member_users(scheduled_circle)}
    url = reverse("feedback:session", args=["circle", f"session-{first.pk}"])
    assert all(url in m.body for m in _invitations())


def test_circle_session_not_ended_yet_waits(scheduled_circle) -> None:
    session = scheduled_circle.sessions.order_by("number").first()
    now = timezone.now()
    CircleSession.objects.filter(pk=session.pk).update(starts_at=now - dt.timedelta(minutes=10))
    assert invite_after_session(now=now) == 0  # started, not ended, not marked held
    later = now + dt.timedelta(minutes=session.duration_minutes)
    assert invite_after_session(now=later) == len(member_users(scheduled_circle))


def test_mentorship_report_invites_mentee_and_mentor(
    world, reach, django_capture_on_commit_callbacks
) -> None:
    ms = reach("active")
    now = timezone.now()
    MonthlyReport.objects.create(
        mentorship=ms, month=dt.date(2030, 1, 1), did="Things", submitted_at=now
    )
    MonthlyReport.objects.create(
        mentorship=ms,
        month=dt.date(2029, 11, 1),
        did="Old",
        submitted_at=now - dt.timedelta(days=40),  # before the window
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tick(now=now)["after_session"] == 2
    assert _invited() == {world.mentee.email, world.mentor.user.email}


def _coffee_world(groups: int) -> None:
    program = ProgramFactory(kind=ProgramKind.COFFEE)
    rnd = _round(program, 1, timezone.localdate() - dt.timedelta(days=1))
    for number in range(1, groups + 1):
        _group(rnd, number, ["all", "some", ""])


def test_queries_do_not_grow_with_the_members() -> None:
    counts = []
    for groups in (1, 8):
        OutboundEmail.objects.all().delete()
        GroupMember.objects.all().delete()
        _coffee_world(groups)
        with CaptureQueriesContext(connection) as ctx:
            assert invite_after_session(now=timezone.now()) == 3 * groups
        counts.append(len(ctx.captured_queries))
    small, big = counts
    assert big == small, counts
    assert small <= 12, counts
