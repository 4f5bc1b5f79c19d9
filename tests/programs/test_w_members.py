"""The member list, its team filter and its export at community scale (issue 19): an index
serves the list's order, the team filter reads profiles once, the export reads only the
columns it writes and sends the CSV in chunks, queries flat in members."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerly.accounts.models import Visibility
from peerly.programs import importing
from peerly.programs import selectors
from peerly.programs import views
from peerly.programs.models import Enrollment
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory


def _member(program, name: str, team: str = "Blue", hide: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    user: Any = UserFactory(display_name=name)
    user.profile.team = team
    user.profile.timezone = "Europe/Berlin"
    user.profile.languages = "English, Deutsch"
    user.profile.field_visibility = dict.fromkeys(hide, Visibility.PRIVATE)
    user.profile.save()
    EnrollmentFactory(program=program, user=user)
    return user


def test_an_index_serves_the_member_lists_order(db):
    """(display_name, email) is what the list and the API sort by: with this index the first
    page is read in order and stops after a page, instead of sorting every member."""
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "accounts_user")
    assert indexes["user_name_order"]["columns"] == ["display_name", "email"]
    assert indexes["user_name_order"]["index"]


def test_team_filter_lists_the_programmes_visible_teams_once(db):
    program, other = ProgramFactory(), ProgramFactory()
    _member(program, "A", team="Blue")
    _member(program, "B", team="Blue")
    _member(program, "C", team="Red")
    _member(program, "D", team="")
    _member(program, "E", team="Green", hide=("languages",))  # another field hidden: shown
    _member(program, "F", team="Hidden", hide=("team",))  # "Only me": never offered
    _member(other, "G", team="Elsewhere")  # another programme's team is not offered
    assert selectors.list_teams(program=program) == ["Blue", "Green", "Red"]


def test_member_list_pages_in_name_order(personas):
    for name in ("Zed", "Amy", "Bea", "amy"):
        _member(personas.program, name)
    organiser = personas.client("organiser")
    url = reverse("programs:manage", args=[personas.program.slug])
    expected = list(
        Enrollment.objects.filter(program=personas.program)
        .order_by("user__display_name", "user__email")
        .values_list("user__email", flat=True)
    )
    seen = []
    for number in (1, 2, 3):
        body = organiser.get(url, {"per_page": 3, "page": number}).content.decode()
        seen += [e for e in expected if e in body and e not in seen]
    assert seen == expected


@pytest.mark.parametrize("extra", [40])
def test_member_list_queries_do_not_grow_with_members(personas, extra):
    organiser = personas.client("organiser")
    url = reverse("programs:manage", args=[personas.program.slug])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert organiser.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = queries()
    for i in range(extra):
        _member(personas.program, f"M{i:03d}", team=f"T{i % 7}")
    assert queries() <= small + 1  # the COUNT, once there is a second page


def _export(client, slug: str, **query: str) -> tuple[list[bytes], int]:  # type: ignore[no-untyped-def]
    url = reverse("programs:manage-export", args=[slug])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, query)
        chunks = list(response.streaming_content)
    return chunks, len(ctx.captured_queries)


def test_export_writes_what_the_full_rows_would_and_hides_hidden_fields(personas):
    _member(personas.program, "Shown")
    _member(personas.program, "Private", hide=("timezone", "languages"))
    chunks, _ = _export(personas.client("organiser"), personas.program.slug)
    body = b"".join(chunks).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    full = list(importing.export_rows(personas.program, viewer=personas.organiser))
    assert rows == full  # the same people, columns and values as from whole rows
    private = next(r for r in rows if r["display_name"] == "Private")
    assert private["timezone"] == "" and private["languages"] == ""
    assert private["team"] == "Blue"


def test_export_sends_chunks_not_one_write_per_row(personas, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_LINES_PER_CHUNK", 5, raising=False)
    for _ in range(12):
        EnrollmentFactory(program=personas.program, user=UserFactory(profile=None))
    chunks, _ = _export(personas.client("organiser"), personas.program.slug)
    lines = b"".join(chunks).decode().splitlines()
    assert len(lines) == 1 + 2 + 12  # the header, the personas' two members, the twelve
    assert len(chunks) == 3  # five lines a chunk; it was one chunk per line (15)


def test_export_queries_do_not_grow_with_members(personas):
    organiser = personas.client("organiser")
    _, small = _export(organiser, personas.program.slug)
    for i in range(30):
        _member(personas.program, f"X{i}")
    chunks, big = _export(organiser, personas.program.slug, team="Blue")
    _, big_unfiltered = _export(organiser, personas.program.slug)
    assert big <= small + 1 and big_unfiltered <= small + 1  # no query per member
    assert len(b"".join(chunks).decode().splitlines()) == 31
