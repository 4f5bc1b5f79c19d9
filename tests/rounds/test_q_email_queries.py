"""A round's announcement reads each group's round, programme and settings once for the whole
round, not per group or per email (issue 19): the same queries for 7 members and for 55, and
the emails are the ones a member's page shows (the prompts of the programme's settings)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peerly.notifications.models import OutboundEmail
from peerly.rounds import emails
from peerly.rounds import services
from peerly.rounds.models import GroupMember
from tests.factories import ProgramFactory
from tests.rounds.conftest import make_member

NOW = dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC)


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def test_announcement_queries_do_not_grow_with_groups(  # type: ignore[no-untyped-def]
    coffee, frozen, run, django_capture_on_commit_callbacks
):
    big = ProgramFactory(slug="big-coffee", cadence="monthly", starts_on=dt.date(2026, 1, 1))
    for i in range(48):
        make_member(big, f"Many{i}", tz="Europe/Paris")
    counts = {}
    for program in (coffee.program, big):
        round_, _ = run(services.publish_round, program=program, actor=None, notify=False)
        # writing the emails (sending them after the commit is not counted)
        with django_capture_on_commit_callbacks(), CaptureQueriesContext(connection) as queries:
            emails.round_published(round_)
        counts[program.slug] = len(queries)
        queued = OutboundEmail.objects.filter(key__startswith=f"round-published:{round_.pk}:")
        assert queued.count() == GroupMember.objects.filter(round=round_).count()
        prompt = services.selectors.get_coffee_settings(program=program).prompt_list[0]
        assert all(prompt in text for text in queued.values_list("body_text", flat=True))
    assert counts["big-coffee"] <= counts["coffee"] + 1, counts
