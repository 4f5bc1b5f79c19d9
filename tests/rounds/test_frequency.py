"""A member's chosen frequency is a matching input (issue 16): a member who asked to meet less
often than the programme runs sits out rounds in between, unless they opt in to one."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from peerly.accounts.models import Frequency
from peerly.rounds import schedule
from peerly.rounds import services
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round

NOW = dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC)


def _drawn(round_: Round) -> set[int]:
    return set(GroupMember.objects.filter(round=round_).values_list("user_id", flat=True))


def _set_frequency(user, frequency: str) -> None:  # type: ignore[no-untyped-def]
    user.profile.frequency = frequency
    user.profile.save()


def _publish_rounds(program, count: int, every_days: int) -> list[Round]:  # type: ignore[no-untyped-def]
    rounds = []
    for n in range(count):
        with time_machine.travel(NOW + dt.timedelta(days=every_days * n), tick=False):
            round_, _ = services.publish_round(program=program, actor=None)
        rounds.append(round_)
    return rounds


def test_every_few_months_in_a_monthly_programme_is_every_third_round(coffee):  # type: ignore[no-untyped-def]
    ada, bo = coffee.members["Ada"], coffee.members["Bo"]
    _set_frequency(ada, Frequency.QUARTERLY)
    rounds = _publish_rounds(coffee.program, 5, 30)
    drawn_in = [ada.pk in _drawn(r) for r in rounds]
    assert drawn_in == [True, False, False, True, False]
    assert all(bo.pk in _drawn(r) for r in rounds)  # "as often as the programme runs"
    reasons = {row["user_id"]: row["reason"] for row in rounds[1].metrics["not_drawn"]}
    assert reasons == {ada.pk: "resting"}


def test_fortnightly_member_in_a_weekly_programme_is_every_other_round(coffee):  # type: ignore[no-untyped-def]
    coffee.program.cadence = "weekly"
    coffee.program.save()
    cy = coffee.members["Cy"]
    _set_frequency(cy, Frequency.FORTNIGHTLY)
    rounds = _publish_rounds(coffee.program, 4, 7)
    assert [cy.pk in _drawn(r) for r in rounds] == [True, False, True, False]


def test_a_member_who_asks_for_more_is_not_held_back(coffee):  # type: ignore[no-untyped-def]
    di = coffee.members["Di"]
    _set_frequency(di, Frequency.WEEKLY)  # more often than the monthly programme: every round
    rounds = _publish_rounds(coffee.program, 3, 30)
    assert all(di.pk in _drawn(r) for r in rounds)


def test_opting_in_overrides_the_rest(coffee):  # type: ignore[no-untyped-def]
    ada = coffee.members["Ada"]
    _set_frequency(ada, Frequency.QUARTERLY)
    (first,) = _publish_rounds(coffee.program, 1, 30)
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        services.set_round_choice(user=ada, program=coffee.program, choice="opt_in")
    with time_machine.travel(NOW + dt.timedelta(days=30), tick=False):
        second, _ = services.publish_round(program=coffee.program, actor=None)
    assert ada.pk in _drawn(first) and ada.pk in _drawn(second)


def test_the_member_page_says_they_sit_out_and_offers_to_take_part(coffee, client):  # type: ignore[no-untyped-def]
    ada = coffee.members["Ada"]
    _set_frequency(ada, Frequency.QUARTERLY)
    _publish_rounds(coffee.program, 1, 30)
    client.force_login(ada)
    with time_machine.travel(NOW + dt.timedelta(days=20), tick=False):
        page = client.get(reverse("rounds:program", kwargs={"slug": coffee.program.slug}))
    text = page.content.decode()
    assert page.status_code == 200
    assert "You sit out round 2" in text
    assert (
        reverse("rounds:choice", kwargs={"slug": coffee.program.slug, "action": "opt-in"}) in text
    )
    bo = coffee.members["Bo"]
    client.force_login(bo)
    with time_machine.travel(NOW + dt.timedelta(days=20), tick=False):
        page = client.get(reverse("rounds:program", kwargs={"slug": coffee.program.slug}))
    assert "You sit out" not in page.content.decode()


@pytest.mark.parametrize(
    ("frequency", "cadence", "days_since", "rests"),
    [
        ("quarterly", "monthly", 60, True),
        ("quarterly", "monthly", 76, False),  # 91 - 15: the third monthly round is drawn
        ("monthly", "weekly", 21, True),
        ("monthly", "weekly", 27, False),
        ("fortnightly", "weekly", 7, True),
        ("fortnightly", "weekly", 11, False),
        ("weekly", "monthly", 1, False),  # more often than the programme: never rests
        ("any", "weekly", 1, False),
        ("monthly", "monthly", 1, False),
    ],
)
def test_rest_rule(frequency: str, cadence: str, days_since: int, rests: bool) -> None:
    today = dt.date(2026, 3, 29)  # across Europe's DST change: the rule counts whole days
    last = today - dt.timedelta(days=days_since)
    assert (
        schedule.rests(frequency=frequency, cadence=cadence, last_drawn=last, draw_day=today)
        is rests
    )
    assert not schedule.rests(frequency=frequency, cadence=cadence, last_drawn=None, draw_day=today)
