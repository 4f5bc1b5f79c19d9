"""The organisers' rounds list at two years of history (issue 19): counts that PostgreSQL can
answer from an index alone, every round reachable a page at a time, queries flat in rounds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from peerly.rounds.selectors import list_rounds_for_organiser
from tests.factories import UserFactory


def _rounds(program, n: int, *, start: int = 1) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    for number in range(start, start + n):
        Round.objects.create(
            program=program,
            number=number,
            published_at=timezone.now() - dt.timedelta(days=30 * (start + n - number)),
            meets_from=today,
            meet_by=today + dt.timedelta(days=7),
            status="closed",
        )


def test_the_counts_are_plain_count_star_subqueries(db, personas):
    """COUNT(id) … GROUP BY round_id made PostgreSQL read every membership row from the table;
    COUNT(*) with no GROUP BY is an index-only scan of (round) / (round, answer)."""
    sql = str(list_rounds_for_organiser(program=personas.program).query)
    assert sql.count("COUNT(*)") == 3
    assert "GROUP BY" not in sql and "JOIN" not in sql
    assert 'COUNT(U0."id")' not in sql


def test_the_counts_are_right_for_each_round(db, personas):
    _rounds(personas.program, 2)
    first = Round.objects.get(program=personas.program, number=1)
    users = [UserFactory() for _ in range(5)]
    for g, members in enumerate([users[:2], users[2:]], start=1):
        group = RoundGroup.objects.create(round=first, number=g)
        for i, user in enumerate(members):
            GroupMember.objects.create(
                group=group, round=first, user=user, answer="some" if i == 0 else ""
            )
    rows = {r.number: r for r in list_rounds_for_organiser(program=personas.program)}
    assert (rows[1].group_count, rows[1].member_count, rows[1].answered_count) == (2, 5, 2)
    assert (rows[2].group_count, rows[2].member_count, rows[2].answered_count) == (0, 0, 0)


def test_rounds_older_than_two_years_are_on_the_next_page(personas):
    """It showed the newest 24 rounds and nothing else: round 1 of 26 could not be reached."""
    _rounds(personas.program, 26)
    organiser = personas.client("organiser")
    url = reverse("rounds:manage", args=[personas.program.slug])
    first = organiser.get(url).content.decode()
    assert "Round 26</a>" in first and "Round 3</a>" in first
    assert "Round 2</a>" not in first and "Round 1</a>" not in first
    assert "Page 1 of 2" in first and "?page=2" in first
    second = organiser.get(url, {"page": 2}).content.decode()
    assert "Round 2</a>" in second and "Round 1</a>" in second
    assert "Round 3</a>" not in second and "Page 2 of 2" in second


@pytest.mark.parametrize("bigger", [3, 30])
def test_rounds_list_queries_do_not_grow_with_rounds(personas, bigger):
    organiser = personas.client("organiser")
    url = reverse("rounds:manage", args=[personas.program.slug])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert organiser.get(url).status_code == 200
        return len(ctx.captured_queries)

    _rounds(personas.program, 1)
    small = queries()
    _rounds(personas.program, bigger, start=2)
    # one COUNT more once there is a second page, never one per round
    assert queries() <= small + 1
