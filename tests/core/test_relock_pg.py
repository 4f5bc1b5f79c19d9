"""`relock` locks the row it re-reads, not the rows it joins (found by bench/scale_out.py).

A tick pausing silent members locked each enrolment with its user and programme rows
(`SELECT … FOR UPDATE` over a join). A worker committing a batch of outbox emails takes
FOR KEY SHARE on the same user rows (the deferred foreign-key check), in another order:
PostgreSQL killed one of them with "deadlock detected" — the tick lost its whole pass, or the
publish job failed. The lock is now `FOR NO KEY UPDATE OF <the row's table>`.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.db import transaction

from peerly.notifications.models import OutboundEmail
from peerly.programs import services as program_services
from peerly.programs.models import EnrollmentStatus
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row-lock tests need PostgreSQL (set DATABASE_URL)")


def test_pausing_members_while_a_worker_queues_their_emails_does_not_deadlock() -> None:
    program = ProgramFactory()
    u1, u2 = UserFactory(), UserFactory()
    e1, e2 = (EnrollmentFactory(program=program, user=u) for u in (u1, u2))
    results: dict[str, str] = {}
    first_paused = threading.Event()

    def tick() -> None:  # rounds.services.pause_silent_members: one transaction, in turn
        try:
            with transaction.atomic():
                program_services.pause_enrollment(user=None, enrollment=e1, until=None)
                first_paused.set()
                time.sleep(1.0)  # the worker's commit now checks u2, then waits on u1
                program_services.pause_enrollment(user=None, enrollment=e2, until=None)
            results["tick"] = "ok"
        except Exception as exc:
            results["tick"] = f"{type(exc).__name__}: {exc}".splitlines()[0]
        finally:
            first_paused.set()
            connection.close()

    def worker() -> None:  # notifications.queue_emails: one bulk_create per batch
        first_paused.wait(10)
        try:
            with transaction.atomic():
                OutboundEmail.objects.bulk_create(
                    [
                        OutboundEmail(key=f"relock:{u.pk}", user=u, to_email=u.email, subject="x")
                        for u in (u2, u1)
                    ]
                )
            results["worker"] = "ok"
        except Exception as exc:
            results["worker"] = f"{type(exc).__name__}: {exc}".splitlines()[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=tick), threading.Thread(target=worker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == {"tick": "ok", "worker": "ok"}
    assert OutboundEmail.objects.filter(key__startswith="relock:").count() == 2
    e1.refresh_from_db()
    e2.refresh_from_db()
    assert (e1.status, e2.status) == (EnrollmentStatus.PAUSED, EnrollmentStatus.PAUSED)
