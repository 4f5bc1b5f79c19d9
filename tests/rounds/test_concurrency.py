"""Two organisers pressing Publish at once, or two cron ticks at once, give one round."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections, connection

from peerly.core.errors import ServiceError
from peerly.notifications.models import OutboundEmail
from peerly.rounds import selectors, services
from peerly.rounds.models import GroupMember, Round
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
