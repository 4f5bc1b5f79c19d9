"""The core flow through the services: apply → assign → screen → orientation → graduate →
report → comment, with audit rows and one email per event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.mentorship import services
from peerly.mentorship.models import ORIENTATION_ITEMS
from peerly.mentorship.models import MentorProfile
from peerly.notifications.models import OutboundEmail
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentMode
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_full_flow(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ms = world.apply()
    assert ms.status == "submitted"
    assert [m.to for m in mail.outbox] == [[world.organiser.email]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ms = services.assign_mentor(actor=world.organiser, mentorship=ms, mentor=world.mentor)
    assert ms.status == "assigned" and ms.mentor == world.mentor
    assert ms.screening_due_at == ms.assigned_at + dt.timedelta(days=7)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.mentor.user.email, world.mentee.email]
    )
    world.mentor.refresh_from_db()
    assert world.mentor.load == 1
    ms = services.start_screening(actor=world.mentor.user, mentorship=ms)
    ms = services.accept_application(actor=world.mentor.user, mentorship=ms)
    assert ms.status == "orientation"
    assert ms.term_ends_on == timezone.localdate() + dt.timedelta(days=365)
    for key, _ in ORIENTATION_ITEMS[:-1]:
        services.set_orientation_item(actor=world.mentee, mentorship=ms, item=key, done=True)
    with pytest.raises(ServiceError, match="Personal goals set"):
        services.graduate_mentee(actor=world.mentor.user, mentorship=ms)
    services.set_orientation_item(actor=world.mentor.user, mentorship=ms, item="goals", done=True)
    ms = services.graduate_mentee(actor=world.mentor.user, mentorship=ms)
    assert ms.status == "active" and ms.graduated_at is not None
    report = services.file_report(
        actor=world.mentee, mentorship=ms, month=timezone.localdate(), did="Gave a talk"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_on_report(actor=world.mentor.user, report=report, body="Great work")
    report.refresh_from_db()
    assert report.reviewed_by == world.mentor.user
    assert [m.to for m in mail.outbox] == [[world.mentee.email]]
    assert "commented" in mail.outbox[0].body
    actions = list(
        AuditEvent.objects.filter(object_type="mentorship.mentorship", object_id=str(ms.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[:4] == [
        "mentorship.submit",
        "mentorship.assign",
        "mentorship.start_screening",
        "mentorship.accept",
    ]
    assert actions[-1] == "mentorship.graduate"


def test_apply_joins_as_mentee_when_not_enrolled(world):
    newcomer = UserFactory()
    ms = world.apply(newcomer)
    enrollment = Enrollment.objects.get(program=world.program, user=newcomer)
    assert enrollment.role == Role.MENTEE and ms.enrollment == enrollment


def test_approval_programme_enrolment_follows_the_application(world):
    world.program.enrollment_mode = EnrollmentMode.APPROVAL
    world.program.save()
    newcomer = UserFactory()
    ms = world.apply(newcomer)
    assert ms.enrollment.status == EnrollmentStatus.APPLIED
    ms = services.assign_mentor(actor=world.organiser, mentorship=ms, mentor=world.mentor)
    services.accept_application(actor=world.mentor.user, mentorship=ms)
    assert Enrollment.objects.get(pk=ms.enrollment_id).status == EnrollmentStatus.ACTIVE


def test_one_open_application_at_a_time(world):
    world.apply()
    with pytest.raises(ServiceError, match="already have"):
        world.apply()


def test_mentor_cannot_apply(world):
    with pytest.raises(ServiceError, match="mentor"):
        world.apply(world.mentor.user)


def test_goals_required(world):
    with pytest.raises(ServiceError, match="goals"):
        services.submit_application(user=world.mentee, program=world.program, goals="  ")


def test_decline_back_to_pool_excludes_that_mentor(world):
    ms = world.reach("assigned")
    ms = services.decline_application(
        actor=world.mentor.user, mentorship=ms, reason="No time", back_to_pool=True
    )
    assert ms.status == "submitted" and ms.mentor is None
    assert ms.declined_mentor_ids == [world.mentor.pk]
    with pytest.raises(ServiceError, match="already declined"):
        services.assign_mentor(actor=world.organiser, mentorship=ms, mentor=world.mentor)
    ms = services.assign_mentor(actor=world.organiser, mentorship=ms, mentor=world.other_mentor)
    assert ms.status == "assigned"
    assert ms.matched_at < ms.assigned_at  # time to match counts the first assignment


def test_decline_closed_tells_the_applicant_the_reason(world, django_capture_on_commit_callbacks):
    ms = world.reach("assigned")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ms = services.decline_application(
            actor=world.mentor.user, mentorship=ms, reason="Not a fit yet", back_to_pool=False
        )
    assert ms.status == "declined" and ms.closing_reason == "Not a fit yet"
    assert [m.to for m in mail.outbox] == [[world.mentee.email]]
    assert "Not a fit yet" in mail.outbox[0].body
    assert MentorProfile.objects.get(pk=world.mentor.pk).load == 0


def test_decline_needs_a_reason(world):
    ms = world.reach("assigned")
    with pytest.raises(ServiceError, match="reason"):
        services.decline_application(actor=world.mentor.user, mentorship=ms, reason=" ")


def test_withdraw_releases_capacity(world):
    ms = world.reach("screening")
    services.withdraw_application(actor=world.mentee, mentorship=ms)
    assert MentorProfile.objects.get(pk=world.mentor.pk).load == 0


def test_emails_are_sent_once_per_event(world):
    ms = world.reach("active")
    keys = list(OutboundEmail.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))
    assert (
        OutboundEmail.objects.filter(key__startswith=f"mentorship-graduated:{ms.pk}").count() == 1
    )


def test_report_rules(world):
    ms = world.reach("active")
    today = timezone.localdate()
    with pytest.raises(ServiceError, match="not started"):
        services.file_report(
            actor=world.mentee, mentorship=ms, month=today + dt.timedelta(days=40), did="x"
        )
    with pytest.raises(ServiceError, match="before your mentorship"):
        services.file_report(
            actor=world.mentee, mentorship=ms, month=today - dt.timedelta(days=400), did="x"
        )
    services.file_report(actor=world.mentee, mentorship=ms, month=today, did="x")
    with pytest.raises(ServiceError, match="already filed"):
        services.file_report(actor=world.mentee, mentorship=ms, month=today, did="y")
