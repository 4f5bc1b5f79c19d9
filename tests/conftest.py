"""Shared fixtures: the personas every permission table uses, and database helpers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from peerly.accounts.models import User
from peerly.programs.models import Program
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.AXES_ENABLED = True


@pytest.fixture(autouse=True)
def _site_language():  # type: ignore[no-untyped-def]
    """Each test starts in the site language: a request in Spanish (LocaleMiddleware activates
    the language for the thread) must not leak into the next test."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@dataclass
class Personas:
    """One programme and everyone who might look at it.

    anonymous (no user), outsider (no shared programme), member (active participant),
    other_member (another active participant), other_organiser (organises another
    programme), organiser (organises this one), admin (site admin / superuser).
    """

    program: Program
    other_program: Program
    outsider: User
    member: User
    other_member: User
    organiser: User
    other_organiser: User
    admin: User

    def get(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)

    def client(self, name: str) -> Client:
        client = Client()
        user = self.get(name)
        if user is not None:
            client.force_login(user)
        return client


PERSONAS = ("anonymous", "outsider", "member", "other_organiser", "organiser", "admin")


@pytest.fixture
def personas(db) -> Personas:  # type: ignore[no-untyped-def]
    organiser = UserFactory(display_name="Olive Organiser")
    other_organiser = UserFactory(display_name="Otto Other")
    program = ProgramFactory(organisers=[organiser])
    other_program = ProgramFactory(organisers=[other_organiser])
    member = UserFactory(display_name="Mia Member")
    other_member = UserFactory(display_name="Noor Neighbour")
    EnrollmentFactory(program=program, user=member)
    EnrollmentFactory(program=program, user=other_member)
    return Personas(
        program=program,
        other_program=other_program,
        outsider=UserFactory(),
        member=member,
        other_member=other_member,
        organiser=organiser,
        other_organiser=other_organiser,
        admin=UserFactory(is_staff=True, is_superuser=True),
    )
