"""Lists at community scale (issue 19): every list pages with a maximum size, query counts do
not grow with members, the team filter lists each team once, the rounds list counts without
multiplying joins, the export streams, the import does not run queries per row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peerly.core.pagination import MAX_PER_PAGE
from peerly.core.pagination import paginate
from peerly.programs import importing
from peerly.programs import selectors
from peerly.programs.models import ProgramKind
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory


def _members(program, n: int, team: str = "Blue") -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        user = UserFactory()
        user.profile.team = team
        user.profile.save()
        EnrollmentFactory(program=program, user=user)


# ------------------------------------------------------------------------ the paginator
@pytest.mark.parametrize(
    ("asked", "size"), [("", 50), ("10", 10), ("100000", MAX_PER_PAGE), ("-3", 1), ("x", 50)]
)
def test_paginate_caps_the_page_size(asked, size):
    request = RequestFactory().get("/", {"per_page": asked, "page": "2", "q": "a"})
    page = paginate(request, list(range(1000)))
    assert page.paginator.per_page == size
    assert page.query == f"per_page={asked}&q=a"  # the page number is left out


def test_paginate_shows_the_nearest_page_for_a_bad_number():
    page = paginate(RequestFactory().get("/", {"page": "999"}), list(range(120)))
    assert page.number == 3


# ------------------------------------------------------------------------ team filter
def test_team_filter_lists_each_team_once(db):
    program = ProgramFactory()
    _members(program, 4, team="Blue")
    _members(program, 3, team="Red")
    assert selectors.list_teams(program=program) == ["Blue", "Red"]


def test_member_page_team_filter_has_one_option_per_team(personas):
    _members(personas.program, 6, team="Blue")
    page = personas.client("organiser").get(
        reverse("programs:manage", args=[personas.program.slug])
    )
    assert page.content.decode().count('value="Blue"') == 1


# ------------------------------------------------------------------------ rounds list
def test_rounds_list_counts_with_subqueries_not_joins(db):
    from peerly.rounds.selectors import list_rounds_for_organiser

    program = ProgramFactory(kind=ProgramKind.COFFEE)
    today = timezone.localdate()
    users = [UserFactory() for _ in range(6)]
    round_ = Round.objects.create(
        program=program, number=1, published_at=timezone.now(), meets_from=today, meet_by=today
    )
    Round.objects.create(
        program=program,
        number=2,
        published_at=timezone.now(),
        meets_from=today,
        meet_by=today + dt.timedelta(days=7),
    )
    for n in range(3):
        group = RoundGroup.objects.create(round=round_, number=n + 1)
        for user in users[2 * n : 2 * n + 2]:
            GroupMember.objects.create(
                group=group, round=round_, user=user, answer="all" if n == 0 else ""
            )
    rows = {r.number: r for r in list_rounds_for_organiser(program=program)}
    assert (rows[1].group_count, rows[1].member_count, rows[1].answered_count) == (3, 6, 2)
    assert (rows[2].group_count, rows[2].member_count, rows[2].answered_count) == (0, 0, 0)
    assert "JOIN" not in str(list_rounds_for_organiser(program=program).query)


# ------------------------------------------------------------------------ API members
def test_api_members_pages_with_a_maximum(personas):
    _members(personas.program, 5)
    organiser = personas.client("organiser")
    url = reverse("api:list_members", args=[personas.program.slug])
    body = organiser.get(url, {"limit": 3, "offset": 0}).json()
    assert body["count"] == 7 and len(body["items"]) == 3
    rest = organiser.get(url, {"limit": 3, "offset": 6}).json()["items"]
    assert len(rest) == 1
    too_many = organiser.get(url, {"limit": MAX_PER_PAGE + 1})
    assert too_many.status_code == 422


def test_api_members_queries_do_not_grow_with_members(personas):
    organiser = personas.client("organiser")
    url = reverse("api:list_members", args=[personas.program.slug])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert organiser.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = queries()
    _members(personas.program, 30)
    assert queries() <= small


# ------------------------------------------------------------------------ export
def test_export_streams_and_keeps_its_query_count(personas):
    organiser = personas.client("organiser")
    url = reverse("programs:manage-export", args=[personas.program.slug])

    def export() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = organiser.get(url)
            assert isinstance(response, StreamingHttpResponse)
            lines = response.getvalue().decode().splitlines()
        return len(ctx.captured_queries), len(lines)

    small, small_lines = export()
    _members(personas.program, 25)
    big, big_lines = export()
    assert big_lines == small_lines + 25
    assert big <= small + 1


# ------------------------------------------------------------------------ import
def _csv(n: int, start: int = 0) -> bytes:
    rows = ["email,display_name,team,timezone"]
    rows += [f"new{i}@example.org,New {i},Red,Europe/Berlin" for i in range(start, start + n)]
    return "\n".join(rows).encode()


def test_import_query_count_does_not_grow_with_rows(db, django_capture_on_commit_callbacks):
    program = ProgramFactory()

    def run(n: int, start: int) -> int:
        preview = importing.parse_members_csv(_csv(n, start), program=program)
        assert preview.ok, preview.errors
        with CaptureQueriesContext(connection) as ctx:
            result = importing.apply_import(preview=preview, program=program, actor=None)
        assert result.created_accounts == result.enrolled == n
        return len(ctx.captured_queries)

    small = run(3, 0)
    big = run(60, 100)
    # Per row would be +57 queries. SQLite splits one bulk INSERT at its bound-variable limit,
    # so a few more statements there are batches, not rows; PostgreSQL sends one per table.
    assert big <= small + 2


def test_import_finds_existing_accounts_whatever_their_case(db, django_capture_on_commit_callbacks):
    program = ProgramFactory()
    existing = UserFactory(email="mixed@example.org")
    type(existing).objects.filter(pk=existing.pk).update(email="MiXeD@Example.org")
    preview = importing.parse_members_csv(b"email\nmixed@example.org\n", program=program)
    assert preview.rows[0].existing_user_id == existing.pk
    with django_capture_on_commit_callbacks(execute=True):
        result = importing.apply_import(preview=preview, program=program, actor=None)
    assert result.created_accounts == 0 and result.invited == 1
    sql = str(importing.users_by_email(["mixed@example.org"]).query)
    assert "LOWER" in sql.upper() and "UPPER" not in sql.upper()
