"""A profile reads like a page, not a database row (issue 20): labels from the fields'
verbose names, channels by their labels, availability with its time zone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peerly.accounts.selectors import profile_rows
from tests.factories import ProfileFactory
from tests.factories import UserFactory
from tests.factories import WindowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():  # type: ignore[no-untyped-def]
    user = UserFactory(display_name="Ada", profile=None)
    profile = ProfileFactory(
        user=user,
        timezone="Europe/Berlin",
        wants_to_learn="Public speaking",
        channels=["async", "in_person"],
    )
    WindowFactory(profile=profile, weekday=0, start_minute=9 * 60, end_minute=11 * 60)
    return user


def test_own_profile_uses_labels_and_choice_names(client, member):  # type: ignore[no-untyped-def]
    client.force_login(member)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Wantstolearn" not in page and "Timezone<" not in page
    assert "What I want to learn" in page
    assert "Async text, In person" in page
    assert "async, in_person" not in page and "in_person" not in page
    assert "Mon 09:00-11:00 (Europe/Berlin)" in page


def test_availability_without_a_visible_zone_says_local_time(member):  # type: ignore[no-untyped-def]
    profile = member.profile
    profile.field_visibility = {"timezone": "private"}
    profile.save()
    viewer = UserFactory()
    rows = dict(profile_rows(profile, {"availability": ["Mon 09:00-11:00"]}))
    assert rows["Weekly availability"] == "Mon 09:00-11:00 (their local time)"
    assert viewer  # the rows depend on what is visible, not on who looks


def test_mentorship_partner_fields_use_the_same_labels():  # type: ignore[no-untyped-def]
    from peerly.mentorship.views._common import _partner_fields

    user = UserFactory(profile=None)
    ProfileFactory(user=user, channels=["video"], wants_to_learn="Chess")
    fields = _partner_fields(user)
    assert fields["Preferred channels"] == "Video call"
    assert fields["What I want to learn"] == "Chess"
