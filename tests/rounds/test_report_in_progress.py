"""A round whose meeting window is still open is "in progress" in the coffee report and is
kept out of the rates, so a round that has just opened does not pull them to 0 % (issue 20)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.urls import reverse

from peerly.rounds import reports
from peerly.rounds import services

NOW = dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC)


def _finished_round_then_a_new_one(coffee):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        first, _ = services.publish_round(program=coffee.program, actor=None)
    for group in first.groups.all():
        member = group.members.order_by("user_id").first()
        services.submit_checkin(
            user=member.user, group=group, answer="all", now=NOW + dt.timedelta(days=8)
        )
    later = NOW + dt.timedelta(days=28)
    with time_machine.travel(later, tick=False):
        services.publish_round(program=coffee.program, actor=None)
    return later + dt.timedelta(hours=1)


def test_an_open_round_is_in_progress_and_kept_out_of_the_rates(coffee):  # type: ignore[no-untyped-def]
    when = _finished_round_then_a_new_one(coffee)
    with time_machine.travel(when, tick=False):
        data = reports.program_report(coffee.program)
    latest, first = data["rows"]
    assert (latest["number"], latest["in_progress"]) == (2, True)
    assert latest["met_rate"] is None and latest["report_rate"] is None
    assert (first["in_progress"], first["met_rate"]) == (False, 1.0)
    assert data["totals"]["met_rate"] == 1.0  # not halved by the open round
    assert data["totals"]["in_progress"] == 1


def test_report_page_says_in_progress(coffee):  # type: ignore[no-untyped-def]
    when = _finished_round_then_a_new_one(coffee)
    client = Client()
    client.force_login(coffee.organiser)
    with time_machine.travel(when, tick=False):
        body = client.get(reverse("rounds:manage-report", args=[coffee.program.slug]))
    page = body.content.decode()
    assert "in progress" in page
    assert "round 2: 7 participants, 7 matched, in progress" in page
    assert "met rate 0 %" not in page


def test_once_the_window_is_over_the_round_counts(coffee):  # type: ignore[no-untyped-def]
    when = _finished_round_then_a_new_one(coffee)
    with time_machine.travel(when + dt.timedelta(days=10), tick=False):
        data = reports.program_report(coffee.program)
    latest = data["rows"][0]
    assert latest["in_progress"] is False and latest["met_rate"] == 0.0
    assert data["totals"]["met_rate"] == 0.5
