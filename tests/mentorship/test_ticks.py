"""Periodic work with controlled time: reminders, expiry, reports, inactivity, terms, reviews.
Each tick is idempotent: a second run changes nothing and sends nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from peerly.mentorship import services
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import Review
from peerly.mentorship.ticks import tick
from peerly.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)


def run(now: dt.datetime) -> dict[str, int]:
    with time_machine.travel(now, tick=False):
        first = tick(now=timezone.now())
        emails = OutboundEmail.objects.count()
        second = tick(now=timezone.now())
    assert not any(second.values()), f"tick is not idempotent: {second}"
    assert OutboundEmail.objects.count() == emails
    return first


def test_screening_reminder_then_expiry(world):
    with time_machine.travel(START, tick=False):
        ms = world.reach("assigned")
    assert run(START + dt.timedelta(days=4))["screening_reminders"] == 0
    counts = run(START + dt.timedelta(days=5, hours=1))
    assert counts["screening_reminders"] == 1
    assert (
        OutboundEmail.objects.filter(
            key__startswith="mentorship-screening-reminder", to_email=world.mentor.user.email
        ).count()
        == 1
    )
    counts = run(START + dt.timedelta(days=7, minutes=1))
    assert counts["screenings_expired"] == 1
    ms.refresh_from_db()
    assert ms.status == "submitted" and ms.mentor is None
    assert ms.declined_mentor_ids == [world.mentor.pk]
    assert MentorProfile.objects.get(pk=world.mentor.pk).load == 0
    assert (
        OutboundEmail.objects.filter(
            key__startswith=f"mentorship-returned:{ms.pk}", to_email=world.organiser.email
        ).count()
        == 1
    )


def test_answered_screening_is_not_expired(world):
    with time_machine.travel(START, tick=False):
        ms = world.reach("orientation")
    assert run(START + dt.timedelta(days=30))["screenings_expired"] == 0
    ms.refresh_from_db()
    assert ms.status == "orientation"


def _active_in_december(world):
    with time_machine.travel(dt.datetime(2024, 12, 2, 9, tzinfo=dt.UTC), tick=False):
        return world.reach("active")


def test_monthly_report_reminder_and_overdue(world):
    ms = _active_in_december(world)
    counts = run(dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC))
    assert counts["report_reminders"] == 1
    reminder = OutboundEmail.objects.get(key=f"mentorship-report-reminder:{ms.pk}:2024-12")
    assert reminder.to_email == world.mentee.email and "December 2024" in reminder.subject
    assert run(dt.datetime(2025, 1, 7, 8, tzinfo=dt.UTC))["reports_overdue"] == 0
    counts = run(dt.datetime(2025, 1, 8, 8, tzinfo=dt.UTC))
    assert counts["reports_overdue"] == 1
    overdue = OutboundEmail.objects.filter(key__startswith=f"mentorship-report-overdue:{ms.pk}")
    assert sorted(overdue.values_list("to_email", flat=True)) == sorted(
        [world.mentee.email, world.mentor.user.email]
    )


def test_filed_report_is_not_reminded_nor_overdue(world):
    ms = _active_in_december(world)
    with time_machine.travel(dt.datetime(2024, 12, 20, tzinfo=dt.UTC), tick=False):
        services.file_report(
            actor=world.mentee, mentorship=ms, month=dt.date(2024, 12, 1), did="Work"
        )
    counts = run(dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC))
    assert counts["report_reminders"] == 0
    assert run(dt.datetime(2025, 1, 9, 8, tzinfo=dt.UTC))["reports_overdue"] == 0


def test_inactive_mentor_flagged_then_cleared_by_login(world):
    with time_machine.travel(START, tick=False):
        world.reach("active")
        MentorProfile.objects.filter(pk=world.mentor.pk).update(
            approved_at=None, created_at=timezone.now(), last_activity_at=None
        )
    assert run(START + dt.timedelta(days=59))["mentors_flagged_inactive"] == 0
    counts = run(START + dt.timedelta(days=61))
    assert counts["mentors_flagged_inactive"] == 1
    assert (
        OutboundEmail.objects.filter(
            key__startswith="mentorship-mentor-inactive", to_email=world.organiser.email
        ).count()
        == 1
    )
    mentor_user = world.mentor.user
    mentor_user.last_login = START + dt.timedelta(days=62)
    mentor_user.save(update_fields=["last_login"])
    counts = run(START + dt.timedelta(days=63))
    assert counts["mentors_active_again"] == 1
    assert MentorProfile.objects.get(pk=world.mentor.pk).inactive_flagged_at is None


def test_reviewing_a_report_counts_as_activity(world):
    with time_machine.travel(START, tick=False):
        ms = world.reach("active")
        MentorProfile.objects.filter(pk=world.mentor.pk).update(created_at=timezone.now())
    with time_machine.travel(START + dt.timedelta(days=50), tick=False):
        report = services.file_report(
            actor=world.mentee, mentorship=ms, month=dt.date(2025, 2, 1), did="Work"
        )
        services.comment_on_report(actor=world.mentor.user, report=report, body="Good")
    assert run(START + dt.timedelta(days=70))["mentors_flagged_inactive"] == 0


def test_term_end_asks_both_then_renews(world):
    with time_machine.travel(START, tick=False):
        ms = world.reach("active")
    ends = ms.term_ends_on
    assert (
        run(dt.datetime.combine(ends - dt.timedelta(days=31), dt.time(9), dt.UTC))["term_asks"] == 0
    )
    counts = run(dt.datetime.combine(ends - dt.timedelta(days=30), dt.time(9), dt.UTC))
    assert counts["term_asks"] == 1
    asked = OutboundEmail.objects.filter(key__startswith=f"mentorship-term:{ms.pk}")
    assert sorted(asked.values_list("to_email", flat=True)) == sorted(
        [world.mentee.email, world.mentor.user.email]
    )
    services.answer_term(actor=world.mentee, mentorship=ms, choice="renew")
    ms = services.answer_term(actor=world.mentor.user, mentorship=ms, choice="renew")
    assert ms.term_ends_on == ends + dt.timedelta(days=365)
    assert (
        run(dt.datetime.combine(ends + dt.timedelta(days=1), dt.time(9), dt.UTC))["terms_ended"]
        == 0
    )


def test_term_change_goes_to_organisers(world):
    with time_machine.travel(START, tick=False):
        ms = world.reach("active")
    ms = services.answer_term(actor=world.mentee, mentorship=ms, choice="change")
    assert "change mentor" in ms.reassignment_reason
    assert OutboundEmail.objects.filter(
        key__startswith=f"mentorship-change:{ms.pk}", to_email=world.organiser.email
    ).exists()


def test_unanswered_term_is_flagged_after_it_ends(world):
    with time_machine.travel(START, tick=False):
        ms = world.reach("active")
    counts = run(dt.datetime.combine(ms.term_ends_on + dt.timedelta(days=1), dt.time(9), dt.UTC))
    assert counts["terms_ended"] == 1
    ms.refresh_from_db()
    assert ms.reassignment_reason.startswith("The term ended")


def test_review_round_opens_in_its_month(world):
    with time_machine.travel(START, tick=False):
        world.reach("active")
    assert run(dt.datetime(2025, 10, 31, 9, tzinfo=dt.UTC))["review_rounds_opened"] == 0
    counts = run(dt.datetime(2025, 11, 1, 9, tzinfo=dt.UTC))
    assert counts["review_rounds_opened"] == 1
    assert Review.objects.count() == 2
    assert (
        len(
            {e.to[0] for e in mail.outbox}
            | set(
                OutboundEmail.objects.filter(key__startswith="mentorship-review:").values_list(
                    "to_email", flat=True
                )
            )
        )
        >= 2
    )


def test_tick_ignores_other_programmes(world):
    world.program.status = "closed"
    world.program.save()
    with time_machine.travel(START, tick=False):
        world.reach  # noqa: B018 - nothing to do in a closed programme
    assert not any(run(START).values())
    assert Mentorship.objects.count() == 0


def test_paused_mentee_is_not_chased_for_reports(world):
    ms = _active_in_december(world)
    from peerly.programs.models import Enrollment

    Enrollment.objects.filter(pk=ms.enrollment_id).update(status="paused")
    assert run(dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC))["report_reminders"] == 0
    assert run(dt.datetime(2025, 1, 9, 8, tzinfo=dt.UTC))["reports_overdue"] == 0
