"""The match page only offers times that can still be picked, says when a time is outside the
round's dates, and "Past rounds" holds past rounds only (issue 20)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from peerly.rounds import services
from peerly.rounds.models import RoundGroup
from peerly.rounds.selectors import match_view

NOW = dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC)


@pytest.fixture
def published(coffee, run):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        round_, _ = run(
            services.publish_round, program=coffee.program, actor=coffee.organiser, now=NOW
        )
    return round_


def _member_of(group: RoundGroup) -> Client:
    client = Client()
    client.force_login(group.members.order_by("user_id").first().user)
    return client


def _pair(published) -> RoundGroup:  # type: ignore[no-untyped-def]
    return next(g for g in published.groups.order_by("number") if g.suggestions)


def test_suggestions_in_the_past_are_not_offered(coffee, published):  # type: ignore[no-untyped-def]
    group = _pair(published)
    user = group.members.order_by("user_id").first().user
    starts = [dt.datetime.fromisoformat(s) for s in group.suggestions]
    with time_machine.travel(NOW, tick=False):
        assert len(match_view(group, user)["suggestions"]) == len(starts)
    after = dt.datetime.combine(published.meet_by + dt.timedelta(days=1), dt.time(12), dt.UTC)
    assert all(s < after for s in starts)
    with time_machine.travel(after, tick=False):
        assert match_view(group, user)["suggestions"] == []
        url = reverse("rounds:group-detail", args=[coffee.program.slug, group.pk])
        page = _member_of(group).get(url).content.decode()
    assert "calendar file" not in page
    assert "The suggested times have passed" in page
    assert "We found no time when you are all available" not in page


def test_a_time_outside_the_round_is_accepted_with_an_explicit_warning(coffee, published):  # type: ignore[no-untyped-def]
    group = _pair(published)
    client = _member_of(group)
    late = published.meet_by + dt.timedelta(days=3)
    url = reverse("rounds:group-propose", args=[coffee.program.slug, group.pk])
    with time_machine.travel(NOW, tick=False):
        response = client.post(url, {"start": f"{late:%Y-%m-%d}T10:00"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    group.refresh_from_db()
    assert group.proposed_start is not None
    assert "outside this round" in page
    assert f"{published.meet_by:%-d %B}" in page


def test_a_time_inside_the_round_has_no_warning(coffee, published):  # type: ignore[no-untyped-def]
    group = _pair(published)
    client = _member_of(group)
    url = reverse("rounds:group-propose", args=[coffee.program.slug, group.pk])
    with time_machine.travel(NOW, tick=False):
        response = client.post(url, {"suggestion": "1"}, follow=True)
    assert "outside this round" not in response.content.decode()
    group.refresh_from_db()
    assert group.proposed_start is not None or group.confirmed_start is not None


def test_past_rounds_do_not_list_the_current_round(coffee, published):  # type: ignore[no-untyped-def]
    group = _pair(published)
    with time_machine.travel(NOW, tick=False):
        page = _member_of(group).get(reverse("rounds:program", args=[coffee.program.slug]))
    body = page.content.decode()
    past = body.split("<h2>Past rounds</h2>", 1)[1]
    assert "Open<span" not in past
    assert "No past rounds yet." in past
    assert "Round 1: your match" in body
