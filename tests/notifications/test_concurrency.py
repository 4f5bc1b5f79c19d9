"""Two one-click POSTs for the same link at once (mail providers retry): one opt-out row."""

from __future__ import annotations

import pytest
from django.db import connection

from peerly.core.models import AuditEvent
from peerly.notifications import services
from peerly.notifications.models import EmailOptOut
from tests.factories import UserFactory
from tests.rounds.test_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL (set DATABASE_URL)")


def test_unsubscribing_twice_at_once_gives_one_opt_out():
    user = UserFactory()
    results = race(*[lambda: services.unsubscribe(user_id=user.pk, category="reminders")] * 4)
    assert all(isinstance(r, EmailOptOut) for r in results), results
    assert EmailOptOut.objects.filter(user=user).count() == 1
    assert AuditEvent.objects.filter(action="email.unsubscribe").count() == 1
