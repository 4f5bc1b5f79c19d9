"""Signed one-click unsubscribe: GET confirms, POST (RFC 8058, no CSRF token) opts out;
tampered or foreign links change nothing; opted-out categories are never sent."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core import mail
from django.core import signing
from django.db import IntegrityError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from peerly.core.models import AuditEvent
from peerly.notifications import services
from peerly.notifications.links import SALT
from peerly.notifications.links import unsubscribe_token
from peerly.notifications.links import unsubscribe_url
from peerly.notifications.models import EmailOptOut
from peerly.notifications.models import OutboundEmail
from peerly.notifications.services import queue_email
from peerly.notifications.services import send_email
from peerly.notifications.services import send_pending
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def url_for(token: str) -> str:
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def announce(user, key: str, captured) -> OutboundEmail | None:  # type: ignore[no-untyped-def]
    with captured(execute=True):
        return queue_email(
            key=key,
            to=user,
            template="import_enrolled",
            context={"program": SimpleNamespace(name="Coffee"), "url": "https://x.example/"},
        )


def test_get_shows_a_confirmation_and_changes_nothing():
    user = UserFactory()
    response = csrf_client().get(url_for(unsubscribe_token(user_id=user.pk, category="reminders")))
    assert response.status_code == 200
    assert b"Unsubscribe from reminders?" in response.content
    assert b'<form method="post"' in response.content
    assert not EmailOptOut.objects.exists()


def test_one_click_post_without_csrf_token_opts_out_once_and_is_idempotent():
    user = UserFactory()
    url = url_for(unsubscribe_token(user_id=user.pk, category="reminders"))
    for _ in range(2):
        response = csrf_client().post(url, ONE_CLICK)
        assert response.status_code == 200
        assert b"You are unsubscribed" in response.content
    assert list(EmailOptOut.objects.values_list("user_id", "category")) == [(user.pk, "reminders")]
    assert AuditEvent.objects.filter(action="email.unsubscribe").count() == 1


def test_a_link_only_ever_opts_out_its_own_user_even_when_someone_else_is_logged_in():
    owner, other = UserFactory(), UserFactory()
    client = csrf_client()
    client.force_login(other)
    client.post(url_for(unsubscribe_token(user_id=owner.pk, category="announcements")))
    assert list(EmailOptOut.objects.values_list("user_id", "category")) == [
        (owner.pk, "announcements")
    ]


def _tampered(user_id: int, victim_id: int) -> dict[str, str]:
    good = unsubscribe_token(user_id=user_id, category="reminders")
    value, sig = good.rsplit(":", 1)
    return {
        "other user id, same signature": f"{victim_id}.reminders:{sig}",
        "other category, same signature": f"{user_id}.announcements:{sig}",
        "security category, same signature": f"{user_id}.security:{sig}",
        "signature cut short": good[:-3],
        "signature flipped": value + ":" + sig[::-1],
        "no signature": value,
        "other salt (foreign signature)": signing.Signer(salt="peerly.other").sign(value),
        "no salt (foreign signature)": signing.Signer().sign(value),
        "dumps() under our salt, other shape": signing.dumps({"u": victim_id}, salt=SALT),
        "signed security category": signing.Signer(salt=SALT).sign(f"{user_id}.security"),
        "signed unknown category": signing.Signer(salt=SALT).sign(f"{user_id}.newsletters"),
        "signed non-numeric user": signing.Signer(salt=SALT).sign("x.reminders"),
        "garbage": "garbage",
    }


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("case", list(_tampered(1, 2)))
def test_tampered_or_foreign_links_are_refused_and_change_nothing(method, case):
    user, victim = UserFactory(), UserFactory()
    token = _tampered(user.pk, victim.pk)[case]
    response = getattr(csrf_client(), method)(url_for(token), ONE_CLICK)
    assert response.status_code == 400
    assert b"not valid" in response.content
    assert not EmailOptOut.objects.exists()
    assert not AuditEvent.objects.filter(action="email.unsubscribe").exists()


def test_a_link_for_a_deleted_user_is_refused():
    user = UserFactory()
    url = url_for(unsubscribe_token(user_id=user.pk, category="reminders"))
    user.delete()
    assert csrf_client().post(url, ONE_CLICK).status_code == 400
    assert not EmailOptOut.objects.exists()


def test_other_methods_are_not_allowed():
    user = UserFactory()
    url = url_for(unsubscribe_token(user_id=user.pk, category="reminders"))
    assert csrf_client().put(url).status_code == 405
    assert not EmailOptOut.objects.exists()


def test_security_emails_cannot_be_turned_off():
    user = UserFactory()
    with pytest.raises(ValueError, match="cannot"):
        unsubscribe_token(user_id=user.pk, category="security")
    with pytest.raises(ValueError, match="cannot"):
        services.unsubscribe(user_id=user.pk, category="security")
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailOptOut.objects.create(user=user, category="security")
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailOptOut.objects.bulk_create([EmailOptOut(user=user, category="reminders")] * 2)


def test_the_link_in_the_email_works(django_capture_on_commit_callbacks):
    user = UserFactory()
    announce(user, "u:1", django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    link = unsubscribe_url(user_id=user.pk, category="announcements")
    assert f"Unsubscribe from Programme announcements: {link}" in message.body
    assert f'href="{link}"' in message.alternatives[0][0]
    header = message.extra_headers.get("List-Unsubscribe")
    assert header == f"<{link}>"
    path = link.removeprefix("http://127.0.0.1:8000").removeprefix("http://testserver")
    assert csrf_client().post(path, ONE_CLICK).status_code == 200
    assert EmailOptOut.objects.filter(user=user, category="announcements").exists()


def test_an_opted_out_category_is_not_sent_but_others_are(django_capture_on_commit_callbacks):
    user, other = UserFactory(), UserFactory()
    services.unsubscribe(user_id=user.pk, category="announcements")
    skipped = announce(user, "u:skip", django_capture_on_commit_callbacks)
    assert skipped is not None and skipped.skipped_at is not None and skipped.sent_at is None
    announce(other, "u:other", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(
            key="u:security",
            to=user,
            template="confirm_email",
            context={"confirm_url": "https://x.example/c", "days": 3},
        )
        queue_email(
            key="u:reminder",
            to=user,
            template="rounds_reminder",
            context={"program": SimpleNamespace(name="Coffee"), "url": "https://x.example/"},
        )
    to_user = [m.subject for m in mail.outbox if m.to == [user.email]]
    to_other = [m.subject for m in mail.outbox if m.to == [other.email]]
    assert to_other == ["You have been added to Coffee"]
    assert len(to_user) == 2  # the security email and the reminder, not the announcement
    assert "Confirm your Peerly account" in to_user
    assert "You have been added to Coffee" not in to_user
    # a skipped email is never sent later either
    assert send_email(email_id=skipped.pk) is False
    assert send_pending() == 0
    assert len(mail.outbox) == 3


def test_opting_out_after_queueing_stops_the_queued_email(django_capture_on_commit_callbacks):
    user = UserFactory()
    queued = queue_email(  # not sent yet: the on-commit send is not run
        key="u:later",
        to=user,
        template="import_enrolled",
        context={"program": SimpleNamespace(name="Coffee"), "url": "https://x.example/"},
    )
    assert queued is not None and queued.skipped_at is None
    services.unsubscribe(user_id=user.pk, category="announcements")
    assert send_email(email_id=queued.pk) is False
    queued.refresh_from_db()
    assert queued.skipped_at is not None and queued.sent_at is None
    assert mail.outbox == []


def test_never_twice_for_the_same_event(django_capture_on_commit_callbacks):
    user = UserFactory()
    first = announce(user, "u:once", django_capture_on_commit_callbacks)
    again = announce(user, "u:once", django_capture_on_commit_callbacks)
    assert first is not None and again is None
    assert send_email(email_id=first.pk) is False
    assert send_pending() == 0
    assert len(mail.outbox) == 1
    # opting out and in-between re-queueing the same event changes nothing either
    services.unsubscribe(user_id=user.pk, category="announcements")
    assert announce(user, "u:once", django_capture_on_commit_callbacks) is None
    assert OutboundEmail.objects.filter(key="u:once").count() == 1
