"""Two organisers pressing publish at once get one set of circles (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import close_old_connections
from django.db import connection

from peerly.circles import services
from peerly.circles.models import Circle
from peerly.circles.models import CircleMember
from peerly.circles.models import Season
from tests.circles.conftest import SEASON_START
from tests.factories import UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_publish_creates_one_season(program, add_members, organiser):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    add_members(9)
    second = UserFactory()
    program.organisers.add(second)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def press(actor) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            results.append(
                services.publish_season(
                    actor=actor, program=program, number=1, seed=7, starts_on=SEASON_START
                )
            )
        except Exception as exc:
            results.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=press, args=(u,)) for u in (organiser, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not [r for r in results if isinstance(r, Exception)], results
    created = sorted(created for _, created in results)  # type: ignore[misc]
    assert created == [False, True]
    assert Season.objects.count() == 1
    assert Circle.objects.count() == 3
    assert CircleMember.objects.count() == 9


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_decide_once(program, add_members, organiser):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    add_members(3)
    season, _ = services.publish_season(
        actor=organiser, program=program, number=1, seed=1, starts_on=SEASON_START
    )
    circle = season.circles.get()
    users = [m.user for m in circle.memberships.select_related("user")]
    option = circle.slot_options.first().pk
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    services.vote_slots(user=users[0], circle=circle, option_ids=[option], now=now)
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def vote(user) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            services.vote_slots(user=user, circle=circle, option_ids=[option], now=now)
        except Exception as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=vote, args=(u,)) for u in users[1:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    circle.refresh_from_db()
    assert circle.slot_status == "scheduled"
    assert circle.sessions.count() == 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_seasons_never_seat_anyone_twice(program, add_members, organiser):
    """Two organisers publish season 2 while season 1 runs, at once: one season 2, formed
    under the programme lock, places only members who are not in a running circle."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    first = add_members(3)
    services.publish_season(
        actor=organiser, program=program, number=1, seed=1, starts_on=SEASON_START
    )
    late = add_members(3)
    second = UserFactory()
    program.organisers.add(second)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def press(actor) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            results.append(
                services.publish_season(
                    actor=actor,
                    program=program,
                    number=2,
                    seed=3,
                    starts_on=SEASON_START + dt.timedelta(weeks=4),
                    allow_overlap=True,
                )
            )
        except Exception as exc:
            results.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=press, args=(u,)) for u in (organiser, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(created for _, created in results) == [False, True]  # type: ignore[misc]
    season2 = Season.objects.get(number=2)
    placed = set(CircleMember.objects.filter(season=season2).values_list("user_id", flat=True))
    assert placed == {u.pk for u in late}
    assert not placed & {u.pk for u in first}
