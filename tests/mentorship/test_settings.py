"""Settings: created with the programme, never on read; changed through an audited service;
bad values refused with nothing saved. Ticks and services send mail only through emails.py."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.mentorship import services
from peerly.mentorship.models import MentorshipSettings
from peerly.programs.models import ProgramKind
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db
PACKAGE = Path(__file__).resolve().parents[2] / "src" / "peerly" / "mentorship"

VALID = {
    "screening_days": 5,
    "screening_reminder_days": 1,
    "term_days": 180,
    "term_notice_days": 20,
    "report_grace_days": 5,
    "inactivity_days": 30,
    "review_month": 3,
    "review_days": 14,
    "default_capacity": 3,
    "training_checklist": "One\nTwo",
}


def _url(world, name: str) -> str:
    return reverse(f"mentorship:{name}", kwargs={"slug": world.program.slug})


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_reads_never_create_a_settings_row(world):
    MentorshipSettings.objects.filter(program=world.program).delete()
    cfg = services.get_settings(world.program)
    assert cfg.pk is None and cfg.term_days == 365  # the defaults, unsaved
    for name in ("manage-settings", "manage", "program", "mentor-list"):
        assert _client(world.organiser).get(_url(world, name)).status_code == 200, name
    assert _client(world.mentor.user).get(_url(world, "mentor-dashboard")).status_code == 200
    assert not MentorshipSettings.objects.filter(program=world.program).exists()


def test_settings_form_saves_through_an_audited_service(world):
    response = _client(world.organiser).post(_url(world, "manage-settings"), VALID)
    assert response.status_code == 302
    cfg = MentorshipSettings.objects.get(program=world.program)
    assert (cfg.term_days, cfg.training_items) == (180, ["One", "Two"])
    event = AuditEvent.objects.get(action="mentorship.settings")
    assert event.actor == world.organiser and event.program_id == world.program.pk
    assert event.data["term_days"] == [365, 180]
    assert "screening_days" in event.data and "review_month" in event.data


def test_saving_unchanged_settings_writes_no_audit_row(world):
    services.update_settings(program=world.program, actor=world.organiser, **VALID)
    services.update_settings(program=world.program, actor=world.organiser, **VALID)
    assert AuditEvent.objects.filter(action="mentorship.settings").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "status"),
    [
        ("review_month", 13, 200),  # form error, page shown again
        ("term_days", 10, 200),  # below the check constraint's minimum
        ("screening_days", "x", 200),
    ],
)
def test_bad_settings_are_refused_and_nothing_saved(world, field, value, status):
    services.create_settings(world.program)
    response = _client(world.organiser).post(
        _url(world, "manage-settings"), {**VALID, field: value}
    )
    assert response.status_code == status
    assert MentorshipSettings.objects.get(program=world.program).term_days == 365
    assert not AuditEvent.objects.filter(action="mentorship.settings").exists()


@pytest.mark.parametrize(
    ("persona", "fields", "error"),
    [
        ("member", {"term_days": 100}, PermissionDenied),
        ("organiser", {"term_days": 10}, ServiceError),
        ("organiser", {"program_id": 1}, ServiceError),
    ],
)
def test_update_settings_refuses(world, persona, fields, error):
    with pytest.raises(error):
        services.update_settings(
            program=world.program, actor=getattr(world.personas, persona), **fields
        )
    assert not AuditEvent.objects.filter(action="mentorship.settings").exists()


def test_data_migration_creates_rows_for_existing_mentorship_programmes():
    mentorship = ProgramFactory(kind=ProgramKind.MENTORSHIP)
    coffee = ProgramFactory(kind=ProgramKind.COFFEE)
    MentorshipSettings.objects.filter(program__in=[mentorship, coffee]).delete()
    migration = importlib.import_module("peerly.mentorship.migrations.0002_create_missing_settings")
    migration.create_missing_settings(django_apps, None)
    migration.create_missing_settings(django_apps, None)  # safe to run twice
    assert list(MentorshipSettings.objects.values_list("program_id", flat=True)) == [mentorship.pk]


def test_only_emails_py_queues_email_and_ticks_write_through_services():
    queuing = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "queue_email" in path.read_text()
    )
    assert queuing == ["emails.py"]
    ticks = (PACKAGE / "ticks.py").read_text()
    assert not re.search(r"\.update\(|\.save\(|\.create\(", ticks)


def test_creating_a_mentorship_programme_creates_its_settings_row(personas):
    from peerly.programs.services import create_program

    program = create_program(
        actor=personas.organiser,
        values={"name": "Mentoring", "slug": "mentoring", "kind": ProgramKind.MENTORSHIP},
    )
    assert MentorshipSettings.objects.filter(program=program).count() == 1
