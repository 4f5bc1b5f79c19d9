import re

import pytest
from django.core import mail
from django.urls import reverse

from peerly.accounts.models import AvailabilityWindow
from peerly.accounts.models import DoNotPair
from peerly.accounts.models import Profile
from peerly.accounts.models import User
from tests.factories import PASSWORD
from tests.factories import EnrollmentFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_signup_confirm_login_flow(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:signup"),
            {
                "display_name": "Zoe",
                "email": "zoe@example.org",
                "timezone": "Europe/Paris",
                "password": "a-very-good-passphrase",
            },
        )
    assert response.status_code == 200
    assert b"Check your email" in response.content
    link = re.search(r"http://[^\s]+/accounts/confirm/\S+/", mail.outbox[0].body).group(0)
    response = client.get(link.split("8000", 1)[-1] if "8000" in link else link)
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile-edit")
    assert User.objects.get(email="zoe@example.org").is_active


def test_signup_rejects_bad_timezone_and_weak_password(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "display_name": "Zoe",
            "email": "zoe@example.org",
            "timezone": "Mars/Olympus",
            "password": "123",
        },
    )
    assert response.status_code == 200
    assert "not a known IANA time zone" in response.content.decode()
    assert not User.objects.filter(email="zoe@example.org").exists()


def test_login_locks_out_after_repeated_failures(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory()
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": user.email, "password": "wrong"})
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert b"Too many failed log-ins" in response.content


def test_login_works(client):
    user = UserFactory()
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("core:home")


def test_password_reset_email_is_queued_and_sent(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body
    assert mail.outbox[0].alternatives


def test_profile_edit_saves_and_refuses_bad_timezone(client):
    user = UserFactory()
    client.force_login(user)
    data = {
        "display_name": "New Name",
        "timezone": "Asia/Tokyo",
        "languages": "english, Japanese, English",
        "frequency": "monthly",
        "channels": ["video", "phone"],
    }
    from peerly.accounts.models import VISIBLE_FIELDS

    data.update({f"visibility_{n}": "programmes" for n in VISIBLE_FIELDS})
    data["visibility_location"] = "private"
    response = client.post(reverse("accounts:profile-edit"), data)
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert profile.timezone == "Asia/Tokyo"
    assert profile.languages == "english, Japanese"
    assert profile.visibility_of("location") == "private"
    data["timezone"] = "Nowhere/Town"
    response = client.post(reverse("accounts:profile-edit"), data)
    assert response.status_code == 200
    profile.refresh_from_db()
    assert profile.timezone == "Asia/Tokyo"


def test_availability_grid_round_trip(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:availability"), {"slots": ["0-9", "0-10", "4-18"]})
    assert response.status_code == 302
    rows = list(
        AvailabilityWindow.objects.filter(profile__user=user).values_list(
            "weekday", "start_minute", "end_minute"
        )
    )
    assert rows == [(0, 540, 660), (4, 1080, 1140)]
    page = client.get(reverse("accounts:availability")).content.decode()
    assert 'value="0-9" id="slot-0-9" checked' in page
    assert client.post(reverse("accounts:availability"), {"slots": ["9-99"]}).status_code == 200
    assert AvailabilityWindow.objects.filter(profile__user=user).count() == 2


def test_do_not_pair_only_accepts_co_members_and_stays_private(client, personas):
    client.force_login(personas.member)
    response = client.post(reverse("accounts:do-not-pair"), {"email": personas.outsider.email})
    assert "Nobody in your programmes" in response.content.decode()
    response = client.post(reverse("accounts:do-not-pair"), {"email": personas.other_member.email})
    assert response.status_code == 302
    assert DoNotPair.objects.filter(owner=personas.member, other=personas.other_member).exists()
    # Nobody else sees it: not the other member, not the organiser, not on the profile page.
    for viewer in (personas.organiser, personas.other_member, personas.admin):
        other = personas.client("organiser" if viewer == personas.organiser else "admin")
        if viewer == personas.other_member:
            other.force_login(viewer)
        page = other.get(reverse("accounts:member", args=[personas.member.pk]))
        assert personas.other_member.email not in page.content.decode() or page.status_code == 404
        listing = other.get(reverse("accounts:do-not-pair")).content.decode()
        assert personas.other_member.email not in listing


@pytest.mark.parametrize(
    ("level", "viewer", "sees"),
    [
        ("programmes", "other_member", True),
        ("organisers", "other_member", False),
        ("organisers", "organiser", True),
        ("private", "organiser", False),
        ("private", "member", True),
        ("programmes", "outsider", None),
        ("programmes", "other_organiser", None),
    ],
)
def test_profile_field_visibility(personas, level, viewer, sees):
    profile = personas.member.profile
    profile.location = "Secret Harbour"
    profile.field_visibility = {"location": level}
    profile.save()
    response = personas.client(viewer).get(reverse("accounts:member", args=[personas.member.pk]))
    if sees is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert ("Secret Harbour" in response.content.decode()) is sees


def test_left_members_do_not_share_profiles(personas):
    EnrollmentFactory(program=personas.other_program, user=personas.outsider, status="left")
    EnrollmentFactory(program=personas.other_program, user=personas.member)
    response = personas.client("outsider").get(
        reverse("accounts:member", args=[personas.member.pk])
    )
    assert response.status_code == 404
