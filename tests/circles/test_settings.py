"""Circle settings: created with the programme, never on read; the circle size has one source
of truth (the programme), so editing the programme changes the next formation."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.test import Client

from peerly.circles import selectors
from peerly.circles import services
from peerly.circles.models import CircleSettings
from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.programs import services as program_services
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from tests.circles.conftest import SEASON_START
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db
BASE = "/programs/circles/circles"


def test_reading_settings_never_creates_a_row(program, organiser):
    CircleSettings.objects.all().delete()
    program = Program.objects.get(pk=program.pk)
    with pytest.raises(ServiceError, match="no circle settings"):
        services.get_settings(program=program)
    with pytest.raises(ServiceError, match="no circle settings"):
        selectors.get_circle_settings(program=program)
    with pytest.raises(ServiceError, match="no circle settings"):
        services.preview_season(program=program, seed=1, starts_on=SEASON_START)
    client = Client(raise_request_exception=False)
    client.force_login(organiser)
    for url in (f"{BASE}/", f"{BASE}/manage/", f"{BASE}/manage/settings/"):
        client.get(url)
    assert not CircleSettings.objects.exists()


def test_settings_of_another_kind_are_refused(db):  # type: ignore[no-untyped-def]
    program = ProgramFactory(kind=ProgramKind.COFFEE)
    with pytest.raises(ServiceError, match="does not run peer-coaching circles"):
        services.create_settings(program=program)
    with pytest.raises(ServiceError, match="does not run peer-coaching circles"):
        selectors.get_circle_settings(program=program)
    assert not CircleSettings.objects.exists()


@pytest.mark.parametrize(("asked", "size"), [(2, 3), (3, 3), (4, 4), (6, 4)])
def test_settings_are_created_with_the_programme(organiser, asked, size):
    program = program_services.create_program(
        actor=organiser,
        values={"kind": "circle", "name": "Triads", "slug": f"triads-{asked}", "group_size": asked},
    )
    row = CircleSettings.objects.get(program=program)
    # a circle needs three people: the size is normalised as the first read used to do
    assert Program.objects.get(pk=program.pk).group_size == row.group_size == size
    assert (row.season_weeks, row.interval_weeks, row.session_minutes) == (12, 2, 90)
    again = services.create_settings(program=program)
    assert again.pk == row.pk and CircleSettings.objects.filter(program=program).count() == 1
    assert AuditEvent.objects.filter(action="circles.settings_create").count() == 1


def test_group_size_edited_on_the_programme_changes_the_next_formation(program, add_members):
    add_members(8)
    triads = services.preview_season(program=program, seed=1, starts_on=SEASON_START)
    assert sorted(len(c.user_ids) for c in triads.circles) == [4, 4]  # 3 + 3 + 2 absorbed
    Program.objects.filter(pk=program.pk).update(group_size=4)
    program = Program.objects.get(pk=program.pk)
    assert selectors.get_circle_settings(program=program).group_size == 4
    fours = services.preview_season(program=program, seed=1, starts_on=SEASON_START)
    assert sorted(len(c.user_ids) for c in fours.circles) == [4, 4]
    Program.objects.filter(pk=program.pk).update(group_size=3)
    add_members(1)
    program = Program.objects.get(pk=program.pk)
    nine = services.preview_season(program=program, seed=1, starts_on=SEASON_START)
    assert sorted(len(c.user_ids) for c in nine.circles) == [3, 3, 3]


def test_the_settings_page_edits_the_programme_size_audited(program, organiser, client):
    client.force_login(organiser)
    response = client.post(
        f"{BASE}/manage/settings/",
        {
            "season_weeks": 12,
            "interval_weeks": 2,
            "session_minutes": 90,
            "group_size": 4,
            "strategy": "strangers",
            "team_rule": "none",
            "reminder_hours": 24,
        },
    )
    assert response.status_code == 302
    assert Program.objects.get(pk=program.pk).group_size == 4
    event = AuditEvent.objects.get(action="circles.settings")
    assert event.data == {"group_size": "4"}


def test_migration_creates_missing_settings_and_moves_the_size_to_the_programme(db):  # type: ignore[no-untyped-def]
    migration = importlib.import_module(
        "peerly.circles.migrations.0003_settings_with_programme_size_on_program"
    )
    bare = ProgramFactory(kind=ProgramKind.CIRCLE, group_size=2)
    CircleSettings.objects.filter(program=bare).delete()
    big = ProgramFactory(kind=ProgramKind.CIRCLE, group_size=7)
    CircleSettings.objects.filter(program=big).delete()
    coffee = ProgramFactory(kind=ProgramKind.COFFEE, group_size=2)
    migration.forwards(django_apps, None)
    assert CircleSettings.objects.filter(program=bare).count() == 1
    assert CircleSettings.objects.filter(program=big).count() == 1
    assert Program.objects.get(pk=bare.pk).group_size == 3
    assert Program.objects.get(pk=big.pk).group_size == 4
    assert Program.objects.get(pk=coffee.pk).group_size == 2
    assert not CircleSettings.objects.filter(program=coffee).exists()
    migration.forwards(django_apps, None)  # idempotent
    assert CircleSettings.objects.filter(program__kind="circle").count() == 2
