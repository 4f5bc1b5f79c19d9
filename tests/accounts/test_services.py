import re

import pytest
from django.core import mail

from peerly.accounts import services
from peerly.accounts.models import AvailabilityWindow
from peerly.accounts.models import DoNotPair
from peerly.accounts.models import Profile
from peerly.accounts.models import User
from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.notifications.models import OutboundEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _link(body: str) -> str:
    match = re.search(r"https?://\S+/accounts/confirm/\S+/", body)
    assert match, body
    return match.group(0)


def test_sign_up_creates_inactive_account_and_sends_confirmation(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.sign_up(
            email="New@Example.org",
            password="pw-long-enough-42",
            display_name="Nia",
            timezone_name="Africa/Lagos",
        )
    assert user is not None
    assert user.email == "new@example.org"
    assert user.is_active is False
    assert Profile.objects.get(user=user).timezone == "Africa/Lagos"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.org"]
    assert "/accounts/confirm/" in message.body
    html = message.alternatives[0][0]
    assert "Confirm my email" in html
    assert AuditEvent.objects.filter(action="user.sign_up", object_id=str(user.pk)).exists()


def test_confirmation_activates_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.sign_up(email="a@example.org", password="pw-long-enough-42")
    token = _link(mail.outbox[0].body).rstrip("/").rsplit("/", 1)[-1]
    assert services.confirm_email(user=user, token="bad-token") is False
    user.refresh_from_db()
    assert user.is_active is False
    assert services.confirm_email(user=user, token=token) is True
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at is not None


def test_sign_up_with_existing_email_creates_nothing_and_warns_owner(
    django_capture_on_commit_callbacks,
):
    owner = UserFactory(email="taken@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sign_up(email="TAKEN@example.org", password="pw-long-enough-42") is None
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    assert mail.outbox[0].to == [owner.email]
    assert "already have an account" in mail.outbox[0].body


def test_set_availability_merges_touching_windows():
    user = UserFactory()
    count = services.set_availability(
        profile=user.profile, windows=[(0, 540, 600), (0, 600, 660), (2, 60, 120), (0, 540, 600)]
    )
    assert count == 2
    rows = list(
        AvailabilityWindow.objects.filter(profile=user.profile).values_list(
            "weekday", "start_minute", "end_minute"
        )
    )
    assert rows == [(0, 540, 660), (2, 60, 120)]


def test_set_availability_rejects_bad_window_and_keeps_old_ones():
    user = UserFactory()
    services.set_availability(profile=user.profile, windows=[(1, 60, 120)])
    with pytest.raises(ServiceError):
        services.set_availability(profile=user.profile, windows=[(7, 60, 120)])
    assert AvailabilityWindow.objects.filter(profile=user.profile).count() == 1


def test_do_not_pair_add_is_idempotent_and_refuses_self():
    a, b = UserFactory(), UserFactory()
    services.add_do_not_pair(owner=a, other=b)
    services.add_do_not_pair(owner=a, other=b)
    assert DoNotPair.objects.filter(owner=a).count() == 1
    with pytest.raises(ServiceError):
        services.add_do_not_pair(owner=a, other=a)
    assert services.remove_do_not_pair(owner=a, other_id=b.pk) is True
    assert not DoNotPair.objects.exists()


def test_pause_in_the_past_is_refused():
    import datetime as dt

    user = UserFactory()
    with pytest.raises(ServiceError):
        services.pause_member(user=user, until=dt.date(2000, 1, 1))
    user.profile.refresh_from_db()
    assert user.profile.paused_until is None


def test_queue_email_is_idempotent_per_key(django_capture_on_commit_callbacks):
    from peerly.notifications.services import queue_email
    from peerly.notifications.services import send_email

    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_email(
            key="k1",
            to=user,
            template="import_welcome",
            context={"program": None, "url": "http://x"},
        )
        second = queue_email(
            key="k1",
            to=user,
            template="import_welcome",
            context={"program": None, "url": "http://x"},
        )
    assert first is not None and second is None
    assert len(mail.outbox) == 1
    assert send_email(email_id=first.pk) is False  # already sent: never twice
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.get(key="k1").sent_at is not None
