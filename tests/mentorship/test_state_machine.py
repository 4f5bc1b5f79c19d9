"""The whole state machine as a table: every transition from every state. Allowed ones
succeed; every other one is refused with a TransitionError and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from peerly.core.errors import TransitionError
from peerly.core.models import AuditEvent
from peerly.mentorship import services
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorshipStatus
from peerly.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

STATES = [s for s, _ in MentorshipStatus.choices]


def _mentor(world, ms):  # the mentor who acts (the assigned one, else the usual mentor)
    return ms.mentor.user if ms.mentor else world.mentor.user


CALLS: dict[str, Callable] = {
    "assign": lambda w, ms: services.assign_mentor(
        actor=w.organiser, mentorship=ms, mentor=w.other_mentor
    ),
    "start_screening": lambda w, ms: services.start_screening(actor=_mentor(w, ms), mentorship=ms),
    "accept": lambda w, ms: services.accept_application(actor=_mentor(w, ms), mentorship=ms),
    "decline": lambda w, ms: services.decline_application(
        actor=_mentor(w, ms), mentorship=ms, reason="No"
    ),
    "expire_screening": lambda w, ms: services.expire_screening(
        mentorship=ms, now=timezone.now() + timedelta(days=30)
    ),
    "close": lambda w, ms: services.close_application(
        actor=w.organiser, mentorship=ms, reason="Programme full"
    ),
    "withdraw": lambda w, ms: services.withdraw_application(actor=ms.mentee, mentorship=ms),
    "orientation_item": lambda w, ms: services.set_orientation_item(
        actor=ms.mentee, mentorship=ms, item="agreement", done="agreement" not in ms.orientation
    ),
    "graduate": lambda w, ms: services.graduate_mentee(actor=_mentor(w, ms), mentorship=ms),
    "file_report": lambda w, ms: services.file_report(
        actor=ms.mentee, mentorship=ms, month=timezone.localdate(), did="Work"
    ),
    "file_request": lambda w, ms: services.file_request(
        actor=ms.mentee, mentorship=ms, kind="swag", amount=None, justification="Stickers"
    ),
    "recognise": lambda w, ms: services.recognise_mentee(
        actor=_mentor(w, ms), mentorship=ms, kind="leader", note="Leads"
    ),
    "request_change": lambda w, ms: services.request_mentor_change(
        actor=ms.mentee, mentorship=ms, reason="Fit"
    ),
    "answer_term": lambda w, ms: services.answer_term(
        actor=ms.mentee, mentorship=ms, choice="renew"
    ),
    "reassign": lambda w, ms: services.reassign_mentor(
        actor=w.organiser, mentorship=ms, mentor=w.other_mentor, reason="Fit"
    ),
    "end": lambda w, ms: services.end_mentorship(actor=ms.mentee, mentorship=ms, reason="Done"),
}


def test_table_covers_every_transition():
    assert set(CALLS) == set(services.TRANSITIONS)


def _prepare(world, status: str) -> Mentorship:
    ms = world.reach(status)
    if status == "orientation":
        # let "graduate" be possible: the checklist is complete except nothing
        for key in ("profile", "responsibilities", "first_activity", "goals", "agreement"):
            services.set_orientation_item(actor=ms.mentee, mentorship=ms, item=key, done=True)
    return Mentorship.objects.get(pk=ms.pk)


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("action", sorted(services.TRANSITIONS))
def test_transition_table(world, action, status):
    ms = _prepare(world, status)
    allowed = status in services.TRANSITIONS[action]
    before = model_to_dict(Mentorship.objects.get(pk=ms.pk))
    audits = AuditEvent.objects.count()
    emails = OutboundEmail.objects.count()
    if allowed:
        CALLS[action](world, ms)
        assert AuditEvent.objects.count() > audits, "every transition is audited"
        return
    with pytest.raises(TransitionError) as caught:
        CALLS[action](world, ms)
    assert ms.get_status_display().lower() in caught.value.message
    assert model_to_dict(Mentorship.objects.get(pk=ms.pk)) == before
    assert AuditEvent.objects.count() == audits
    assert OutboundEmail.objects.count() == emails


def test_refused_transition_message_is_clear(world):
    ms = world.reach("submitted")
    with pytest.raises(
        TransitionError,
        match=r"Cannot graduate this mentorship: it is "
        r"submitted \(allowed when accepted: orientation\)\.",
    ):
        services.graduate_mentee(actor=world.mentor.user, mentorship=ms)
