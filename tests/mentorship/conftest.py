"""Mentorship fixtures: a mentorship programme with two mentors and two would-be mentees,
and `reach(status)` that walks a fresh application to any state through the real services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from peerly.accounts.models import User
from peerly.mentorship import services
from peerly.mentorship.models import ORIENTATION_ITEMS
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.programs.models import Enrollment
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.programs.models import Role
from tests.conftest import Personas
from tests.factories import EnrollmentFactory
from tests.factories import UserFactory


def make_mentor(
    program: Program,
    user: User | None = None,
    *,
    capacity: int = 2,
    expertise: str = "Python, Public speaking",
) -> MentorProfile:
    user = user or UserFactory()
    enrollment = EnrollmentFactory(program=program, user=user, role=Role.MENTOR)
    return MentorProfile.objects.create(
        program=program, user=user, enrollment=enrollment, capacity=capacity, expertise=expertise
    )


@dataclass
class World:
    personas: Personas
    program: Program
    mentor: MentorProfile
    other_mentor: MentorProfile
    mentee: User
    other_mentee: User
    organiser: User

    def apply(self, user: User | None = None, goals: str = "Learn Python") -> Mentorship:
        return services.submit_application(
            user=user or self.mentee, program=self.program, goals=goals, wants="Python"
        )

    def reach(
        self, status: str, user: User | None = None, mentor: MentorProfile | None = None
    ) -> Mentorship:
        """A mentorship of `user` (default mentee) in `status`, through the services."""
        mentor = mentor or self.mentor
        ms = self.apply(user)
        if status == "submitted":
            return ms
        if status == "withdrawn":
            return services.withdraw_application(actor=ms.mentee, mentorship=ms)
        ms = services.assign_mentor(actor=self.organiser, mentorship=ms, mentor=mentor)
        if status == "assigned":
            return ms
        if status == "declined":
            return services.decline_application(
                actor=mentor.user, mentorship=ms, reason="Not now", back_to_pool=False
            )
        if status == "screening":
            return services.start_screening(actor=mentor.user, mentorship=ms)
        ms = services.accept_application(actor=mentor.user, mentorship=ms)
        if status == "orientation":
            return ms
        for key, _ in ORIENTATION_ITEMS:
            services.set_orientation_item(actor=ms.mentee, mentorship=ms, item=key, done=True)
        ms = services.graduate_mentee(actor=mentor.user, mentorship=ms)
        if status == "active":
            return ms
        if status == "ended":
            return services.end_mentorship(actor=ms.mentee, mentorship=ms, reason="Done")
        raise AssertionError(status)


@pytest.fixture
def world(personas: Personas) -> World:
    program = personas.program
    program.kind = ProgramKind.MENTORSHIP
    program.save()
    Enrollment.objects.filter(program=program).update(role=Role.MENTEE)
    mentor = make_mentor(program, UserFactory(display_name="Mara Mentor"))
    other_mentor = make_mentor(program, UserFactory(display_name="Otis Othermentor"))
    return World(
        personas=personas,
        program=program,
        mentor=mentor,
        other_mentor=other_mentor,
        mentee=personas.member,
        other_mentee=personas.other_member,
        organiser=personas.organiser,
    )


@pytest.fixture
def reach(world: World) -> Callable[..., Mentorship]:
    return world.reach
