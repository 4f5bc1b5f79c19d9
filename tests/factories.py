"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import factory
from django.utils import timezone

from peerly.accounts.models import AvailabilityWindow
from peerly.accounts.models import Profile
from peerly.accounts.models import User
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentMode
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.programs.models import ProgramStatus
from peerly.programs.models import Role

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    is_active = True
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password(PASSWORD)
    profile = factory.RelatedFactory("tests.factories.ProfileFactory", factory_related_name="user")


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory, profile=None)
    team = "Engineering"
    timezone = "UTC"
    languages = "English"
    skills = "Python"
    interests = "chess"


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilityWindow

    weekday = 0
    start_minute = 9 * 60
    end_minute = 17 * 60


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    kind = ProgramKind.COFFEE
    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    purpose = "Meet people."
    status = ProgramStatus.ACTIVE
    enrollment_mode = EnrollmentMode.OPEN
    group_size = 2

    @factory.post_generation
    def organisers(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.organisers.add(*extracted)

    @factory.post_generation
    def kind_settings(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        """Settings rows are made with the programme (as programs.services does), never on read."""
        from peerly.programs import kinds

        kind = kinds.get(self.kind)
        if create and kind is not None:
            kind.create_settings(self)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.PARTICIPANT
    status = EnrollmentStatus.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)
