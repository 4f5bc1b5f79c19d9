"""Resource services: who may create, change and delete; audit rows; helpful marks."""

from __future__ import annotations

import pytest

from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.resources import services
from peerly.resources.models import Resource
from peerly.resources.models import ResourceDailyViews
from peerly.resources.models import ResourceHelpful
from peerly.resources.models import normalise_tags
from tests.resources.conftest import make

pytestmark = pytest.mark.django_db

# persona -> may add a site-wide resource, may add one to `program`
ADD = {
    "outsider": (False, False),
    "member": (False, False),
    "mentor": (True, False),
    "other_organiser": (True, False),
    "organiser": (True, True),
    "admin": (True, True),
}


@pytest.mark.parametrize(("persona", "expected"), ADD.items())
def test_who_may_add(world, persona: str, expected: tuple[bool, bool]) -> None:  # type: ignore[no-untyped-def]
    user = world.get(persona)
    for program, allowed in zip((None, world.program), expected, strict=True):
        before = Resource.objects.count()
        if allowed:
            resource = make(user, title=f"By {persona}", program=program)
            assert resource.author == user
            assert AuditEvent.objects.filter(
                action="resource.create", object_id=str(resource.pk), actor=user
            ).exists()
        else:
            with pytest.raises(ServiceError):
                make(user, title=f"By {persona}", program=program)
            assert Resource.objects.count() == before


def test_mentor_may_add_to_their_own_mentorship_programme(world) -> None:  # type: ignore[no-untyped-def]
    resource = make(world.mentor, program=world.mprog)
    assert resource.program == world.mprog


# persona -> may edit/delete a resource of `program` written by the organiser
EDIT = {
    "outsider": False,
    "member": False,
    "mentor": False,
    "other_organiser": False,
    "organiser": True,
    "admin": True,
}


@pytest.mark.parametrize(("persona", "allowed"), EDIT.items())
def test_who_may_change_and_delete(world, persona: str, allowed: bool) -> None:  # type: ignore[no-untyped-def]
    resource = make(world.organiser, title="Original", program=world.program)
    user = world.get(persona)
    values = {"title": "Changed", "kind": "guide", "program": world.program}
    if allowed:
        services.update_resource(actor=user, resource=resource, **values)
        assert Resource.objects.get(pk=resource.pk).title == "Changed"
        services.delete_resource(actor=user, resource=resource)
        assert not Resource.objects.filter(pk=resource.pk).exists()
        assert AuditEvent.objects.filter(action="resource.delete", actor=user).exists()
    else:
        with pytest.raises(ServiceError):
            services.update_resource(actor=user, resource=resource, **values)
        with pytest.raises(ServiceError):
            services.delete_resource(actor=user, resource=resource)
        assert Resource.objects.get(pk=resource.pk).title == "Original"


def test_the_author_may_change_their_site_wide_resource(world) -> None:  # type: ignore[no-untyped-def]
    resource = make(world.mentor, title="Mine")
    services.update_resource(actor=world.mentor, resource=resource, title="Still mine")
    assert Resource.objects.get(pk=resource.pk).title == "Still mine"
    with pytest.raises(ServiceError):
        services.update_resource(actor=world.other_organiser, resource=resource, title="x")


def test_bad_input_is_refused_with_nothing_saved(world) -> None:  # type: ignore[no-untyped-def]
    o = world.organiser
    for values in (
        {"title": "  "},
        {"kind": "poem"},
        {"audience": "martians"},
        {"kinds_served": ["coffee", "nope"]},
        {"kind": "link", "url": ""},
        {"kind": "link", "url": "javascript:alert(1)"},
        {"kind": "file"},
    ):
        with pytest.raises(ServiceError):
            make(o, **values)
    assert not Resource.objects.filter(author=o).exists()


def test_slugs_are_unique_and_avoid_reserved_words(world) -> None:  # type: ignore[no-untyped-def]
    a = make(world.organiser, title="Public speaking")
    b = make(world.organiser, title="Public speaking")
    c = make(world.organiser, title="Usage")
    assert (a.slug, b.slug) == ("public-speaking", "public-speaking-2")
    assert c.slug != "usage"
    edited = services.update_resource(actor=world.organiser, resource=a, title="Renamed")
    assert edited.slug == "public-speaking"


def test_tags_are_normalised() -> None:
    assert normalise_tags("Public  Speaking, feedback;FEEDBACK , , Café_au lait") == [
        "public-speaking",
        "feedback",
        "café-au-lait",
    ]


def test_helpful_is_idempotent(world) -> None:  # type: ignore[no-untyped-def]
    resource = make(world.organiser)
    assert services.mark_helpful(user=world.member, resource=resource) is True
    assert services.mark_helpful(user=world.member, resource=resource) is False
    assert ResourceHelpful.objects.filter(resource=resource).count() == 1
    assert services.mark_helpful(user=world.member, resource=resource, helpful=False) is True
    assert services.mark_helpful(user=world.member, resource=resource, helpful=False) is False
    assert not ResourceHelpful.objects.filter(resource=resource).exists()


def test_views_are_one_counter_row_per_day(world) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    resource = make(world.organiser)
    for _ in range(3):
        services.record_view(resource=resource, on=dt.date(2030, 1, 1))
    services.record_view(resource=resource, on=dt.date(2030, 1, 2))
    rows = dict(ResourceDailyViews.objects.values_list("day", "count"))
    assert rows == {dt.date(2030, 1, 1): 3, dt.date(2030, 1, 2): 1}
