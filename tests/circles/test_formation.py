"""Forming circles: strategies, the remainder, no common slot, publish, new seasons, CLI."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.core import mail
from django.core.management import CommandError
from django.core.management import call_command

from peerly.circles import services
from peerly.circles.models import Circle
from peerly.circles.models import CircleMember
from peerly.circles.models import KnownPerson
from peerly.circles.models import Season
from peerly.circles.models import SlotOption
from peerly.core.errors import ServiceError
from tests.circles.conftest import SEASON_START

pytestmark = pytest.mark.django_db


def sizes(plan) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(len(c.user_ids) for c in plan.circles)


@pytest.mark.parametrize(
    ("n", "expected", "left"),
    [
        (3, [3], 0),
        (4, [4], 0),
        (5, [4], 1),
        (6, [3, 3], 0),
        (7, [3, 4], 0),
        (8, [4, 4], 0),
        (9, [3, 3, 3], 0),
        (10, [3, 3, 4], 0),
        (2, [], 2),
    ],
)
def test_remainder_is_absorbed_never_groups_of_one_or_two(program, add_members, n, expected, left):
    add_members(n)
    plan = services.preview_season(program=program, seed=1, starts_on=SEASON_START)
    assert sizes(plan) == expected
    assert len(plan.unmatched) == left
    placed = [u for c in plan.circles for u in c.user_ids]
    assert len(placed) == len(set(placed)) == n - left


def test_everyone_needs_a_common_slot_of_the_session_length(program, add_members):
    monday = add_members(3, windows=((0, 9 * 60, 12 * 60),))
    # shares only 60 minutes with the others: a 90-minute session does not fit
    short = add_members(1, windows=((0, 11 * 60, 13 * 60),))
    nobody = add_members(1, windows=((4, 18 * 60, 20 * 60),))
    none = add_members(1, windows=())
    plan = services.preview_season(program=program, seed=3, starts_on=SEASON_START)
    assert [set(c.user_ids) for c in plan.circles] == [{u.pk for u in monday}]
    reasons = {u.user_id: u for u in plan.unmatched}
    assert set(reasons) == {short[0].pk, nobody[0].pk, none[0].pk}
    assert reasons[none[0].pk].reason == "no_availability"
    assert "availability" in reasons[none[0].pk].message
    assert "90 minutes" in reasons[nobody[0].pk].message
    for c in plan.circles:
        assert c.common_windows and max(e - s for s, e in c.common_windows) >= 90


def test_time_zones_are_converted_before_looking_for_a_slot(program, add_members):
    berlin = add_members(2, windows=((0, 10 * 60, 12 * 60),), tz="Europe/Berlin")
    london = add_members(1, windows=((0, 9 * 60, 11 * 60),), tz="Europe/London")
    plan = services.preview_season(program=program, seed=1, starts_on=SEASON_START)
    assert len(plan.circles) == 1
    assert set(plan.circles[0].user_ids) == {u.pk for u in [*berlin, *london]}
    assert plan.circles[0].common_windows == ((9 * 60, 11 * 60),)  # UTC, January


def test_familiar_strategy_groups_people_who_named_each_other(program, add_members):
    users = add_members(6)
    a, b, c = users[0], users[3], users[5]
    for owner, other in [(a, b), (b, c), (a, c)]:
        KnownPerson.objects.create(owner=owner, program=program, other=other)
    for seed in range(3):
        plan = services.preview_season(
            program=program, seed=seed, starts_on=SEASON_START, strategy="familiar"
        )
        assert {a.pk, b.pk, c.pk} in [set(x.user_ids) for x in plan.circles]
        strangers = services.preview_season(
            program=program, seed=seed, starts_on=SEASON_START, strategy="strangers"
        )
        together = [set(x.user_ids) & {a.pk, b.pk, c.pk} for x in strangers.circles]
        assert max(len(t) for t in together) <= 2


def test_random_strategy_depends_on_the_seed_only(program, add_members):
    add_members(12)
    first = services.preview_season(
        program=program, seed=5, starts_on=SEASON_START, strategy="random"
    )
    again = services.preview_season(
        program=program, seed=5, starts_on=SEASON_START, strategy="random"
    )
    assert first.circles == again.circles
    others = {
        services.preview_season(
            program=program, seed=s, starts_on=SEASON_START, strategy="random"
        ).circles
        for s in range(6, 10)
    }
    assert len(others | {first.circles}) > 1


def test_publish_saves_circles_slot_options_and_tells_everyone(program, add_members, publish):
    users = add_members(6)
    loner = add_members(1, windows=((6, 60, 120),))[0]
    season = publish(seed=2)
    assert season.number == 1
    assert season.ends_on == SEASON_START + dt.timedelta(weeks=12)
    assert Circle.objects.filter(season=season).count() == 2
    assert CircleMember.objects.filter(season=season).count() == 6
    assert SlotOption.objects.filter(circle__season=season).count() >= 2
    assert [u["user_id"] for u in season.unmatched] == [loner.pk]
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == sorted([u.email for u in users] + [loner.email])
    loner_mail = next(m for m in mail.outbox if m.to == [loner.email])
    assert "could not place you" in loner_mail.body


def test_publish_is_idempotent(program, add_members, organiser, django_capture_on_commit_callbacks):
    add_members(6)
    with django_capture_on_commit_callbacks(execute=True):
        first, created = services.publish_season(
            actor=organiser, program=program, number=1, seed=1, starts_on=SEASON_START
        )
        again, created_again = services.publish_season(
            actor=organiser, program=program, number=1, seed=9, starts_on=SEASON_START
        )
    assert created and not created_again
    assert first.pk == again.pk
    assert Season.objects.count() == 1 and Circle.objects.count() == 2
    assert len(mail.outbox) == 6
    with pytest.raises(ServiceError, match="next season is number 2"):
        services.publish_season(
            actor=organiser, program=program, number=3, seed=1, starts_on=SEASON_START
        )


def test_new_season_avoids_earlier_circle_mates(program, add_members, publish):
    add_members(9)
    seen: set[tuple[int, int]] = set()
    for i in range(4):  # 9 people in triads: 4 seasons without a repeat exist (Kirkman)
        season = publish(seed=4, starts_on=SEASON_START + dt.timedelta(weeks=12 * i))
        for circle in season.circles.all():
            ids = sorted(circle.memberships.values_list("user_id", flat=True))
            pairs = set(itertools.combinations(ids, 2))
            assert not pairs & seen
            seen |= pairs
    assert Season.objects.count() == 4


def test_publish_with_nobody_to_place_refuses(program, add_members, organiser):
    add_members(2)
    with pytest.raises(ServiceError, match="No circle"):
        services.publish_season(
            actor=organiser, program=program, number=1, seed=1, starts_on=SEASON_START
        )
    assert not Season.objects.exists()


def test_cli_dry_run_and_publish(program, add_members):
    add_members(6)
    out = io.StringIO()
    call_command(
        "circles", "form", "--program", program.slug, "--dry-run", "--seed", "3", stdout=out
    )
    assert "2 circles" in out.getvalue() and "dry run" in out.getvalue()
    assert not Season.objects.exists()
    call_command("circles", "form", "--program", program.slug, "--seed", "3", stdout=out)
    assert Season.objects.get().circles.count() == 2


def test_cli_unknown_programme_exits_2(db):
    with pytest.raises(CommandError) as info:
        call_command("circles", "form", "--program", "nope")
    assert info.value.returncode == 2
    assert "nope" in str(info.value)
