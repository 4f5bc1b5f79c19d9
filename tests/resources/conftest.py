"""Resource fixtures: the personas of tests/conftest.py plus a mentor (an active mentor in a
mentorship programme), uploaded files under a temporary MEDIA_ROOT, and small helpers."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from peerly.accounts.models import User
from peerly.programs.models import ProgramKind
from peerly.programs.models import Role
from peerly.resources import services
from peerly.resources.models import Resource
from tests.conftest import Personas
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{part}document.xml", "<doc/>")
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def world(personas: Personas) -> Any:
    """The personas, plus `mentor` (active mentor in `mprog`, a mentorship programme)."""
    mentor = UserFactory(display_name="Max Mentor")
    mprog = ProgramFactory(kind=ProgramKind.MENTORSHIP, organisers=[personas.other_organiser])
    EnrollmentFactory(program=mprog, user=mentor, role=Role.MENTOR)
    personas.mentor = mentor  # type: ignore[attr-defined]
    personas.mprog = mprog  # type: ignore[attr-defined]
    return personas


def make(actor: User, **values: Any) -> Resource:
    values.setdefault("title", "A resource")
    values.setdefault("kind", "guide")
    values.setdefault("body_md", "Some **text**.")
    return services.create_resource(actor=actor, **values)
