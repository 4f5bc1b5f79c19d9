"""An organiser keeps no organiser's view of someone who left or was declined."""

from __future__ import annotations

import pytest

from peerly.accounts.models import Visibility
from peerly.accounts.selectors import viewer_level
from peerly.accounts.selectors import viewer_levels
from peerly.programs.models import EnrollmentStatus
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (EnrollmentStatus.ACTIVE, Visibility.ORGANISERS),
        (EnrollmentStatus.PAUSED, Visibility.ORGANISERS),
        (EnrollmentStatus.APPLIED, Visibility.ORGANISERS),
        (EnrollmentStatus.LEFT, None),
        (EnrollmentStatus.DECLINED, None),
    ],
)
def test_organiser_level_only_while_the_member_takes_part(status, expected):
    organiser = UserFactory()
    member = UserFactory()
    program = ProgramFactory(organisers=[organiser])
    EnrollmentFactory(program=program, user=member, status=status)

    assert viewer_level(organiser, member) == expected
    assert viewer_levels(viewer=organiser, user_ids=[member.pk])[member.pk] == expected


def test_organiser_of_a_left_member_sees_only_what_a_shared_programme_allows():
    organiser = UserFactory()
    member = UserFactory()
    left = ProgramFactory(organisers=[organiser])
    shared = ProgramFactory()
    EnrollmentFactory(program=left, user=member, status=EnrollmentStatus.LEFT)
    EnrollmentFactory(program=shared, user=member)
    EnrollmentFactory(program=shared, user=organiser)

    assert viewer_level(organiser, member) == Visibility.PROGRAMMES
    assert viewer_levels(viewer=organiser, user_ids=[member.pk])[member.pk] == (
        Visibility.PROGRAMMES
    )
