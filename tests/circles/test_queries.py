"""Query counts on list pages stay flat as circles, sessions and actions grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peerly.circles import services
from tests.circles.conftest import BEFORE_SEASON
from tests.circles.conftest import SEASON_START
from tests.circles.conftest import member_users

pytestmark = pytest.mark.django_db


def count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def grow(program, add_members, publish, n: int, weeks_later: int = 0):  # type: ignore[no-untyped-def]
    add_members(n)
    season = publish(starts_on=SEASON_START + dt.timedelta(weeks=weeks_later))
    for circle in season.circles.all():
        services.close_vote(actor=member_users(circle)[0], circle=circle, now=BEFORE_SEASON)
        for session in circle.sessions.order_by("number")[:2]:
            ids = [u.pk for u in member_users(circle)]
            services.record_attendance(
                actor=member_users(circle)[0],
                session=session,
                present_ids=ids,
                now=session.starts_at,
            )
            for block in session.blocks.all():
                services.save_block(
                    actor=block.note_taker,
                    block=block,
                    notes={"issue": "x"},
                    new_actions=[{"text": "a", "owner_id": None}, {"text": "b", "owner_id": None}],
                )
    return season


@pytest.mark.parametrize("page", ["manage", "program", "circle", "session"])
def test_pages_do_not_grow_with_data(
    program, add_members, publish, client, organiser, page, django_assert_max_num_queries
):
    season = grow(program, add_members, publish, 6)
    circle = season.circles.first()
    user = organiser if page == "manage" else member_users(circle)[0]
    client.force_login(user)
    urls = {
        "manage": "/programs/circles/circles/manage/",
        "program": "/programs/circles/circles/",
        "circle": f"/programs/circles/circles/c/{circle.pk}/",
        "session": f"/programs/circles/circles/sessions/{circle.sessions.get(number=2).pk}/",
    }
    small = count(client, urls[page])
    publish_more = grow(program, add_members, publish, 12, 12)  # a second, bigger season
    if page == "manage":
        big = count(client, urls[page])
        assert publish_more.circles.count() > season.circles.count()
    else:
        big = count(client, urls[page])
    assert big <= small + 1, (small, big)
    # circle: +1 for the journal entries shared with the circle (issue 13)
    limit = {"manage": 14, "program": 16, "circle": 17, "session": 24}[page]
    with django_assert_max_num_queries(limit):
        client.get(urls[page])
