"""Emails: text and HTML, names unescaped in text, escaped in HTML, one per event."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail

from peerly.mentorship import services
from peerly.notifications.models import OutboundEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "peerly" / "templates" / "emails"


def test_every_email_has_subject_text_and_html():
    names = {
        p.name.removesuffix("_subject.txt") for p in TEMPLATES.glob("mentorship_*_subject.txt")
    }
    assert len(names) >= 25
    for name in names:
        assert (TEMPLATES / f"{name}.txt").exists() and (TEMPLATES / f"{name}.html").exists()


def test_names_are_plain_in_text_and_escaped_in_html(world, django_capture_on_commit_callbacks):
    applicant = UserFactory(display_name="Seán O'Brien <b>")
    with django_capture_on_commit_callbacks(execute=True):
        ms = world.apply(applicant)
        services.assign_mentor(actor=world.organiser, mentorship=ms, mentor=world.mentor)
    message = next(m for m in mail.outbox if m.to == [world.mentor.user.email])
    assert message.subject == "New applicant to screen: Seán O'Brien <b>"
    assert "Seán O'Brien <b>'s application" in message.body
    html = message.alternatives[0][0]
    assert "O&#x27;Brien &lt;b&gt;" in html and "<b>'s" not in html


def test_reassignment_emails_have_one_per_person(world, django_capture_on_commit_callbacks):
    ms = world.reach("active")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reassign_mentor(
            actor=world.organiser, mentorship=ms, mentor=world.other_mentor, reason="New skills"
        )
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        world.mentor.user.email: "Mia Member has a new mentor",
        world.other_mentor.user.email: "You are now Mia Member's mentor",
        world.mentee.email: "Your new mentor is Otis Othermentor",
    }
    assert all("New skills" in m.body for m in mail.outbox)


def test_no_duplicate_email_for_a_repeated_no_op(world):
    ms = world.reach("orientation")
    services.set_orientation_item(actor=world.mentee, mentorship=ms, item="agreement", done=True)
    count = OutboundEmail.objects.count()
    services.set_orientation_item(actor=world.mentee, mentorship=ms, item="agreement", done=True)
    assert OutboundEmail.objects.count() == count
