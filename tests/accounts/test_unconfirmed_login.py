"""Logging in before confirming the email address is not a dead end (issue 20)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from peerly.accounts import services
from peerly.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

PASSWORD = "a-very-good-passphrase"


def pending(email: str = "new@example.org"):
    user = services.sign_up(email=email, password=PASSWORD, display_name="New")
    assert user is not None
    return user


def test_unconfirmed_account_with_right_password_is_told_to_confirm_and_offered_a_resend(client):
    pending()
    response = client.post(
        reverse("accounts:login"), {"username": "New@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "not confirmed yet" in page
    assert "Please enter a correct" not in page
    assert reverse("accounts:confirm-resend") in page
    assert 'value="new@example.org"' in page
    assert "_auth_user_id" not in client.session


def test_unconfirmed_account_with_wrong_password_gets_the_usual_answer(client):
    pending()
    response = client.post(
        reverse("accounts:login"), {"username": "new@example.org", "password": "wrong-one-42"}
    )
    page = response.content.decode()
    assert "not confirmed yet" not in page
    assert "Please enter a correct" in page


def test_the_resend_offered_on_the_login_page_sends_a_new_link(
    client, django_capture_on_commit_callbacks
):
    pending()
    OutboundEmail.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:confirm-resend"), {"email": "new@example.org"})
    assert response.status_code == 200
    assert [m.to[0] for m in mail.outbox] == ["new@example.org"]


def test_check_your_email_page_offers_a_resend(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "display_name": "New",
            "email": "fresh@example.org",
            "timezone": "UTC",
            "password": PASSWORD,
        },
    )
    page = response.content.decode()
    assert "Check your email" in page
    assert reverse("accounts:confirm-resend") in page
    assert 'value="fresh@example.org"' in page


def test_signup_page_says_where_the_link_goes_in_development(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    page = client.get(reverse("accounts:signup")).content.decode()
    assert "printed in the terminal" in page


def test_signup_page_says_nothing_about_the_terminal_with_a_real_backend(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    page = client.get(reverse("accounts:signup")).content.decode()
    assert "printed in the terminal" not in page
