"""Reassignment keeps history; resignation; nominations; requests; recognitions."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from peerly.core.errors import ServiceError
from peerly.core.errors import TransitionError
from peerly.mentorship import selectors
from peerly.mentorship import services
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reassignment_keeps_reports_goals_and_history(world, django_capture_on_commit_callbacks):
    ms = world.reach("active")
    report = services.file_report(
        actor=world.mentee, mentorship=ms, month=timezone.localdate(), did="Organised a meetup"
    )
    services.comment_on_report(actor=world.mentor.user, report=report, body="Well done")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ms = services.reassign_mentor(
            actor=world.organiser, mentorship=ms, mentor=world.other_mentor, reason="Better fit"
        )
    assert ms.mentor == world.other_mentor and ms.status == "active"
    assert ms.goals == "Learn Python"
    assert list(ms.reports.all()) == [report] and report.comments.count() == 1
    history = list(selectors.mentorship_history(ms))
    assert [a.mentor for a in history] == [world.mentor, world.other_mentor]
    assert history[0].ended_at is not None and "Better fit" in history[0].end_reason
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.mentor.user.email, world.other_mentor.user.email, world.mentee.email]
    )
    assert MentorProfile.objects.get(pk=world.mentor.pk).load == 0
    assert MentorProfile.objects.get(pk=world.other_mentor.pk).load == 1
    # the new mentor sees everything; the old one no longer does
    assert (
        selectors.get_report_for_user(
            user=world.other_mentor.user, program=world.program, report_id=report.pk
        )
        == report
    )
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.get_mentorship_for_user(
            user=world.mentor.user, program=world.program, mentorship_id=ms.pk
        )


def test_reassign_to_same_or_full_mentor_refused(world):
    ms = world.reach("active")
    with pytest.raises(ServiceError, match="different mentor"):
        services.reassign_mentor(
            actor=world.organiser, mentorship=ms, mentor=world.mentor, reason="x"
        )
    world.other_mentor.capacity = 0
    world.other_mentor.save()
    with pytest.raises(ServiceError, match="no free place"):
        services.reassign_mentor(
            actor=world.organiser, mentorship=ms, mentor=world.other_mentor, reason="x"
        )
    assert Mentorship.objects.get(pk=ms.pk).mentor == world.mentor


def test_only_organisers_reassign(world):
    ms = world.reach("active")
    with pytest.raises(PermissionDenied):
        services.reassign_mentor(
            actor=world.mentee, mentorship=ms, mentor=world.other_mentor, reason="x"
        )


def test_resignation_recommends_replacement_and_flags_mentees(world):
    active = world.reach("active")
    waiting = world.reach("assigned", user=world.other_mentee)
    profile = services.resign_mentor(
        actor=world.mentor.user,
        profile=world.mentor,
        reason="Moving on",
        replacement=world.other_mentor,
    )
    assert profile.status == "resigned" and not profile.is_accepting
    active.refresh_from_db()
    waiting.refresh_from_db()
    assert "Recommended replacement: Otis Othermentor" in active.reassignment_reason
    assert waiting.status == "submitted" and waiting.mentor is None
    assert Enrollment.objects.get(pk=world.mentor.enrollment_id).status == EnrollmentStatus.LEFT
    board = selectors.organiser_dashboard(program=world.program, now=timezone.now())
    assert active in board.needs_reassignment


def test_mentee_can_ask_for_a_change(world):
    ms = world.reach("orientation")
    ms = services.request_mentor_change(actor=world.mentee, mentorship=ms, reason="No reply")
    assert ms.reassignment_reason == "The mentee asked for a change: No reply"
    ms = services.reassign_mentor(
        actor=world.organiser, mentorship=ms, mentor=world.other_mentor, reason="Asked"
    )
    assert ms.reassignment_reason == "" and ms.status == "orientation"


def test_requests_validated_or_declined_with_reason(world):
    ms = world.reach("active")
    with pytest.raises(ServiceError, match="amount"):
        services.file_request(
            actor=world.mentee, mentorship=ms, kind="budget", amount="", justification="Venue"
        )
    request = services.file_request(
        actor=world.mentee, mentorship=ms, kind="budget", amount="120.50", justification="Venue"
    )
    with pytest.raises(ServiceError, match="reason"):
        services.decide_request(actor=world.mentor.user, request=request, validate=False)
    with pytest.raises(PermissionDenied):
        services.decide_request(actor=world.other_mentor.user, request=request, validate=True)
    request = services.decide_request(
        actor=world.mentor.user, request=request, validate=False, reason="Too expensive"
    )
    assert request.status == "declined"
    with pytest.raises(TransitionError):
        services.decide_request(actor=world.mentor.user, request=request, validate=True)


def test_recognition_reaches_organisers(world, django_capture_on_commit_callbacks):
    ms = world.reach("active")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.recognise_mentee(
            actor=world.mentor.user, mentorship=ms, kind="leader", note="Runs the local group"
        )
    assert [m.to for m in mail.outbox] == [[world.organiser.email]]
    assert "Runs the local group" in mail.outbox[0].body


# ----------------------------------------------------------------------------- nominations
def test_self_nomination_evaluation_training_approval(world):
    candidate = UserFactory()
    nom = services.nominate_mentor(
        actor=candidate,
        program=world.program,
        nominee=candidate,
        statement="I coach at work",
        expertise="Testing",
    )
    assert nom.status == "evaluation" and nom.kind == "self"
    with pytest.raises(PermissionDenied):
        services.evaluate_nomination(
            actor=candidate, nomination=nom, recommend=True, evaluation="me"
        )
    nom = services.evaluate_nomination(
        actor=world.mentor.user, nomination=nom, recommend=True, evaluation="Solid"
    )
    assert nom.status == "training"
    with pytest.raises(TransitionError):
        services.approve_nomination(actor=world.organiser, nomination=nom)
    items = services.get_settings(world.program).training_items
    for index in range(len(items)):
        nom = services.set_training_item(actor=candidate, nomination=nom, index=index, done=True)
    assert nom.status == "review"
    profile = services.approve_nomination(actor=world.organiser, nomination=nom, capacity=3)
    enrollment = Enrollment.objects.get(program=world.program, user=candidate)
    assert enrollment.role == Role.MENTOR and enrollment.status == EnrollmentStatus.ACTIVE
    assert profile.capacity == 3 and profile.expertise == "Testing"
    assert selectors.get_mentor_profile(user=candidate, program=world.program) == profile


def test_direct_nomination_starts_in_training_and_can_be_declined(world):
    nominee = UserFactory()
    nom = services.nominate_mentor(
        actor=world.mentor.user, program=world.program, nominee=nominee, statement="Great organiser"
    )
    assert nom.status == "training"
    with pytest.raises(ServiceError, match="reason"):
        services.decline_nomination(actor=world.organiser, nomination=nom, reason="")
    nom = services.decline_nomination(actor=world.organiser, nomination=nom, reason="Not yet")
    assert nom.status == "declined"
    assert not MentorProfile.objects.filter(user=nominee).exists()


def test_only_mentors_nominate_others(world):
    with pytest.raises(PermissionDenied):
        services.nominate_mentor(
            actor=world.mentee, program=world.program, nominee=world.other_mentee, statement="x"
        )


def test_mentee_with_open_mentorship_cannot_become_mentor(world):
    world.reach("active")
    nom = services.nominate_mentor(
        actor=world.mentor.user, program=world.program, nominee=world.mentee, statement="Ready"
    )
    for index in range(len(services.get_settings(world.program).training_items)):
        nom = services.set_training_item(actor=world.mentee, nomination=nom, index=index, done=True)
    with pytest.raises(ServiceError, match="open mentorship"):
        services.approve_nomination(actor=world.organiser, nomination=nom)
