"""Every circles email comes from circles/emails.py (one function per event), called by the
services; the services themselves never build a message."""

from __future__ import annotations

import inspect

import pytest
from django.core import mail

from peerly.circles import emails
from peerly.circles import services


def test_services_send_no_email_themselves():
    source = inspect.getsource(services)
    assert "queue_email" not in source
    assert "send_mail" not in source


@pytest.mark.django_db
def test_a_reminder_goes_to_every_member_once(scheduled_circle, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    session = scheduled_circle.sessions.order_by("number").first()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        emails.session_reminder(session)
        emails.session_reminder(session)  # the same event: the same keys
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        m.user.email for m in scheduled_circle.memberships.select_related("user")
    )
    assert all("(UTC)" in m.body for m in mail.outbox)
