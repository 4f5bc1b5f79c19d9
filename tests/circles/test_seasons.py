"""Seasons (issue 10): a new season while one runs needs an explicit choice, and nobody sits
in two circles of the same programme at once."""

from __future__ import annotations

import datetime as dt

import pytest

from peerly.circles import services
from peerly.circles.models import Circle
from peerly.circles.models import CircleMember
from peerly.circles.models import Season
from peerly.core.errors import ServiceError
from tests.circles.conftest import SEASON_START

pytestmark = pytest.mark.django_db
WEEKS_12 = dt.timedelta(weeks=12)


def in_two_overlapping_circles(program) -> set[int]:  # type: ignore[no-untyped-def]
    busy: set[int] = set()
    rows = CircleMember.objects.filter(circle__program=program).select_related("season")
    by_user: dict[int, list[Season]] = {}
    for row in rows:
        by_user.setdefault(row.user_id, []).append(row.season)
    for user_id, seasons in by_user.items():
        for i, a in enumerate(seasons):
            for b in seasons[i + 1 :]:
                if a.starts_on < b.ends_on and b.starts_on < a.ends_on:
                    busy.add(user_id)
    return busy


@pytest.mark.parametrize(
    ("starts_after", "allow_overlap", "outcome"),
    [
        (WEEKS_12, False, "created"),  # back to back: no choice needed
        (dt.timedelta(weeks=20), False, "created"),
        (dt.timedelta(weeks=6), False, "refused"),  # season 1 still runs
        (dt.timedelta(0), False, "refused"),
        (dt.timedelta(weeks=6), True, "created"),
    ],
)
def test_a_new_season_while_one_runs_needs_the_explicit_choice(
    program, add_members, publish, organiser, starts_after, allow_overlap, outcome
):
    first = add_members(3)
    publish()
    late = add_members(3)
    starts_on = SEASON_START + starts_after
    if outcome == "refused":
        with pytest.raises(ServiceError, match="still runs"):
            services.publish_season(
                actor=organiser,
                program=program,
                number=2,
                seed=1,
                starts_on=starts_on,
                allow_overlap=allow_overlap,
            )
        assert Season.objects.count() == 1 and Circle.objects.count() == 1
        return
    season, created = services.publish_season(
        actor=organiser,
        program=program,
        number=2,
        seed=1,
        starts_on=starts_on,
        allow_overlap=allow_overlap,
    )
    assert created
    placed = set(CircleMember.objects.filter(season=season).values_list("user_id", flat=True))
    if allow_overlap:
        # members of the running season stay in their circle; the newcomers get one
        assert placed == {u.pk for u in late}
        assert {u["user_id"] for u in season.unmatched} == {u.pk for u in first}
        assert {u["reason"] for u in season.unmatched} == {"in_running_circle"}
    else:
        assert placed == {u.pk for u in [*first, *late]}
    assert not in_two_overlapping_circles(program)


def test_preview_leaves_out_members_of_the_running_season(program, add_members, publish):
    first = add_members(3)
    publish()
    late = add_members(3)
    plan = services.preview_season(
        program=program, seed=1, starts_on=SEASON_START + dt.timedelta(weeks=4)
    )
    assert [set(c.user_ids) for c in plan.circles] == [{u.pk for u in late}]
    assert {u.user_id for u in plan.unmatched} == {u.pk for u in first}


def test_publish_form_asks_for_the_choice_with_a_warning(
    program, add_members, publish, client, django_capture_on_commit_callbacks
):
    add_members(3)
    publish()
    add_members(3)
    client.force_login(program.organisers.get())
    data = {
        "number": 2,
        "seed": 1,
        "starts_on": (SEASON_START + dt.timedelta(weeks=4)).isoformat(),
        "strategy": "random",
    }
    url = f"/programs/{program.slug}/circles/manage/form/"
    page = client.get(url, {k: v for k, v in data.items() if k != "number"}).content.decode()
    assert "still runs" in page and 'name="allow_overlap"' in page
    response = client.post(url, data)
    assert response.status_code == 200
    assert "still runs" in response.content.decode()
    assert Season.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):  # the publish job runs at commit
        response = client.post(url, {**data, "allow_overlap": "on"})
    assert response.status_code == 302
    assert Season.objects.count() == 2
    assert not in_two_overlapping_circles(program)
