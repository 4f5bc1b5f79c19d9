"""Two organisers pressing Publish at once, or two cron ticks at once, give one round."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections
from django.db import connection

from peerly.core.errors import ServiceError
from peerly.notifications.models import OutboundEmail
from peerly.rounds import selectors
from peerly.rounds import services
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.ticks import tick
from tests.factories import UserFactory

NOW = dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL (set DATABASE_URL)")


def race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()  # each thread has its own connection: close it

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_organisers_publish_at_once(coffee):  # type: ignore[no-untyped-def]
    second = UserFactory()
    coffee.program.organisers.add(second)
    selectors.get_coffee_settings(program=coffee.program)  # made with the programme
    results = race(
        lambda: services.publish_round(
            program=coffee.program, actor=coffee.organiser, number=1, seed=1, now=NOW
        ),
        lambda: services.publish_round(
            program=coffee.program, actor=second, number=1, seed=2, now=NOW
        ),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(created for _, created in results) == [False, True]
    assert len({r.pk for r, _ in results}) == 1
    assert Round.objects.count() == 1
    assert GroupMember.objects.count() == 7
    assert OutboundEmail.objects.filter(key__startswith="round-published:").count() == 7


def test_two_ticks_at_once(coffee):  # type: ignore[no-untyped-def]
    selectors.get_coffee_settings(program=coffee.program)  # made with the programme
    results = race(lambda: tick(now=NOW), lambda: tick(now=NOW), lambda: tick(now=NOW))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r["rounds_published"] for r in results) == 1
    assert Round.objects.count() == 1 and GroupMember.objects.count() == 7


def test_two_cli_runs_at_once_give_one_round(coffee):  # type: ignore[no-untyped-def]
    """Issue 10: two `peerly rounds run` (no round number) 0.36 s apart made two rounds."""
    selectors.get_coffee_settings(program=coffee.program)  # made with the programme
    results = race(
        lambda: services.publish_round(program=coffee.program, actor=None, now=NOW),
        lambda: services.publish_round(program=coffee.program, actor=None, now=NOW),
    )
    refused = [r for r in results if isinstance(r, ServiceError)]
    done = [r for r in results if not isinstance(r, Exception)]
    assert len(refused) == 1 and "Round 1 is still open" in refused[0].message, results
    assert [(r.number, created) for r, created in done] == [(1, True)]
    assert Round.objects.count() == 1
    assert OutboundEmail.objects.filter(key__startswith="round-published:").count() == 7


# ------------------------------------------------------- issue 19: jobs and ticks on many hosts
def test_two_workers_given_the_same_publish_job_draw_once(coffee):  # type: ignore[no-untyped-def]
    from unittest import mock

    from django.core import mail

    from peerly.core import jobs
    from peerly.core.models import Job
    from peerly.rounds import jobs as round_jobs

    with mock.patch.object(jobs, "_enqueue"):  # a queue that hands the job to two workers
        job, _ = round_jobs.start_publish(
            program=coffee.program, actor=coffee.organiser, number=1, seed=1, now=NOW
        )
    mail.outbox.clear()
    results = race(lambda: jobs.run_job(job.pk), lambda: jobs.run_job(job.pk))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert "done" in results  # the other saw it running (or already done) and did nothing
    assert Job.objects.get().status == "done"
    assert Round.objects.count() == 1 and GroupMember.objects.count() == 7
    keys = list(OutboundEmail.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 7
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in coffee.members.values())


def test_two_clicks_at_once_start_one_job(coffee):  # type: ignore[no-untyped-def]
    from peerly.core.models import Job
    from peerly.rounds import jobs as round_jobs

    results = race(
        *(
            lambda: round_jobs.start_publish(
                program=coffee.program, actor=coffee.organiser, number=1, seed=1, now=NOW
            )
            for _ in range(3)
        )
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({job.pk for job, _ in results}) == 1 and Job.objects.count() == 1
    assert Round.objects.count() == 1
    assert OutboundEmail.objects.filter(key__startswith="round-published:").count() == 7


def test_peerly_tick_on_two_hosts_at_once(coffee):  # type: ignore[no-untyped-def]
    """`peerly tick` started on two hosts at once: one round, no email twice (the advisory
    lock lets one tick run; the other returns busy, or runs after it and finds nothing)."""
    from django.core import mail

    from peerly.core.management.commands.tick import run_ticks

    mail.outbox.clear()
    results = race(lambda: run_ticks(NOW), lambda: run_ticks(NOW))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.get("rounds.rounds_published", 0) for r in results) == 1
    assert Round.objects.count() == 1 and GroupMember.objects.count() == 7
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 7
    assert {"busy": 1} in results or all("resumed" in r for r in results)


def test_a_tick_while_another_holds_the_lock_does_nothing(coffee):  # type: ignore[no-untyped-def]
    from peerly.core.management.commands.tick import TICK_LOCK_KEY
    from peerly.core.management.commands.tick import run_ticks

    with connection.cursor() as cursor:  # "another host" is ticking
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [TICK_LOCK_KEY])
        assert cursor.fetchone()[0]
    try:
        (result,) = race(lambda: run_ticks(NOW))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [TICK_LOCK_KEY])
    assert result == {"busy": 1} and not Round.objects.exists()
    assert run_ticks(NOW)["rounds.rounds_published"] == 1  # the lock is free again
