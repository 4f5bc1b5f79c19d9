"""Log-in lock-out: one count per account whatever the letter case or the address it comes
from, and one count per IP address across all the accounts it tries."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings):  # type: ignore[no-untyped-def]
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_IP_FAILURE_LIMIT = 5


def log_in(email: str, password: str, ip: str = "10.0.0.1", client: Client | None = None):  # type: ignore[no-untyped-def]
    return (client or Client()).post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def is_locked(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 429


def test_letter_case_and_spaces_share_one_count():
    user = UserFactory(email="member@example.org")
    assert not is_locked(log_in("Member@example.org", "wrong"))
    assert not is_locked(log_in("MEMBER@EXAMPLE.ORG", "wrong"))
    assert is_locked(log_in(" member@Example.org ", "wrong"))  # the third try: locked
    assert is_locked(log_in(user.email, PASSWORD))
    assert is_locked(log_in("MEMBER@example.org", PASSWORD))


def test_an_account_is_locked_after_the_limit_from_any_address():
    user = UserFactory()
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        log_in(user.email, "wrong", ip=ip)
    assert is_locked(log_in(user.email, PASSWORD, ip="10.9.9.9"))
    other = UserFactory()
    assert log_in(other.email, PASSWORD, ip="10.0.0.1").status_code == 302


def test_an_address_is_locked_after_the_ip_limit_across_accounts():
    victims = [UserFactory() for _ in range(5)]
    for victim in victims[:4]:  # one guess each: no account reaches its own limit
        assert not is_locked(log_in(victim.email, "wrong", ip="10.6.6.6"))
    assert is_locked(log_in(victims[4].email, "wrong", ip="10.6.6.6"))  # the address's fifth
    fresh = UserFactory()
    assert is_locked(log_in(fresh.email, PASSWORD, ip="10.6.6.6"))
    assert log_in(fresh.email, PASSWORD, ip="10.7.7.7").status_code == 302
    assert log_in(victims[0].email, PASSWORD, ip="10.7.7.7").status_code == 302


def test_logging_in_to_ones_own_account_does_not_clear_the_address_count():
    attacker = UserFactory()
    victims = [UserFactory() for _ in range(4)]
    for victim in victims:
        log_in(victim.email, "wrong", ip="10.6.6.6")
    assert log_in(attacker.email, PASSWORD, ip="10.6.6.6").status_code == 302
    log_in(UserFactory().email, "wrong", ip="10.6.6.6")
    assert is_locked(log_in(attacker.email, PASSWORD, ip="10.6.6.6"))


def test_a_successful_log_in_clears_the_accounts_own_count():
    user = UserFactory()
    log_in(user.email, "wrong")
    log_in(user.email, "wrong")
    assert log_in(user.email, PASSWORD).status_code == 302
    log_in(user.email, "wrong")
    log_in(user.email, "wrong")
    assert log_in(user.email, PASSWORD).status_code == 302


def test_log_in_with_different_letter_case_works():
    user = UserFactory(email="casey@example.org")
    client = Client()
    response = log_in(" Casey@EXAMPLE.org", PASSWORD, client=client)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
