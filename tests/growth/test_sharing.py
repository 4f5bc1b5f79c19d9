"""Sharing a goal with one's mentor (issue 13): who sees it, when, and withdrawal.

The mentor sees a goal only after the mentee shares it, only while the mentorship is open and
they still mentor it, and never after it is withdrawn; the organiser of the programme never
does; nobody else does either."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peerly.growth import services
from peerly.growth.models import Share
from peerly.mentorship import services as mentorship_services
from tests.mentorship.conftest import World

SECRET = "ZZSHARED-GOAL 3301"
pytestmark = pytest.mark.django_db


def _client(world: World, who: str):  # type: ignore[no-untyped-def]
    users = {
        "mentee": world.mentee,
        "mentor": world.mentor.user,
        "other_mentor": world.other_mentor.user,
        "other_mentee": world.other_mentee,
        "organiser": world.organiser,
        "admin": world.personas.admin,
    }
    from django.test import Client

    client = Client()
    client.force_login(users[who])
    return client


def _share(world: World, ms) -> tuple[object, Share]:  # type: ignore[no-untyped-def]
    goal = services.create_goal(
        owner=world.mentee,
        title=SECRET,
        program=world.program,
        milestones=[("ZZSTEP one", None), ("two", None)],
    )
    [audience] = [a for a in services.audiences_for(world.mentee) if a.mentorship == ms]
    return goal, services.share(subject=goal, actor=world.mentee, audience=audience)


def test_the_mentor_sees_a_shared_goal_and_nobody_else_does(world: World, reach) -> None:
    ms = reach("active")
    private = services.create_goal(owner=world.mentee, title="ZZNOT-SHARED")
    goal, _share_row = _share(world, ms)
    shared_url = reverse("growth:shared-goal", kwargs={"goal_id": goal.pk})
    page_url = reverse(
        "mentorship:mentorship-detail", kwargs={"slug": world.program.slug, "mentorship_id": ms.pk}
    )

    mentor = _client(world, "mentor")
    page = mentor.get(page_url).content.decode()
    assert SECRET in page
    assert "ZZNOT-SHARED" not in page
    shown = mentor.get(shared_url)
    assert shown.status_code == 200
    assert "ZZSTEP one" in shown.content.decode()
    assert (
        mentor.get(reverse("growth:shared-goal", kwargs={"goal_id": private.pk})).status_code == 404
    )
    # the mentor cannot use the owner's pages, nor change anything
    assert mentor.get(reverse("growth:goal-detail", kwargs={"goal_id": goal.pk})).status_code == 404
    assert (
        mentor.post(reverse("growth:goal-achieve", kwargs={"goal_id": goal.pk})).status_code == 404
    )

    for who in ("other_mentor", "other_mentee", "organiser", "admin"):
        client = _client(world, who)
        assert client.get(shared_url).status_code == 404, who
        if who in ("organiser", "admin"):  # they may open the mentorship page: no goal on it
            response = client.get(page_url)
            assert SECRET not in response.content.decode(), who


def test_withdrawing_hides_the_goal_again_and_sharing_twice_changes_nothing(
    world: World,
    reach,
) -> None:
    ms = reach("active")
    goal, share = _share(world, ms)
    [audience] = [a for a in services.audiences_for(world.mentee) if a.mentorship == ms]
    assert services.share(subject=goal, actor=world.mentee, audience=audience) == share
    assert Share.objects.count() == 1
    mentee = _client(world, "mentee")
    response = mentee.post(
        reverse("growth:share-withdraw", kwargs={"goal_id": goal.pk, "share_id": share.pk})
    )
    assert response.status_code == 302
    assert not Share.objects.exists()
    mentor = _client(world, "mentor")
    assert mentor.get(reverse("growth:shared-goal", kwargs={"goal_id": goal.pk})).status_code == 404


def test_a_shared_goal_is_hidden_once_the_mentorship_ends(world: World, reach) -> None:
    ms = reach("active")
    goal, _share_row = _share(world, ms)
    mentorship_services.end_mentorship(actor=world.mentee, mentorship=ms, reason="Done")
    mentor = _client(world, "mentor")
    assert mentor.get(reverse("growth:shared-goal", kwargs={"goal_id": goal.pk})).status_code == 404


def test_a_new_mentor_does_not_inherit_what_was_shared_with_the_old_one(
    world: World,
    reach,
) -> None:
    ms = reach("active")
    goal, _share_row = _share(world, ms)
    ms.mentor = world.other_mentor  # a reassignment keeps the mentorship row
    ms.save(update_fields=["mentor"])
    new_mentor = _client(world, "other_mentor")
    assert (
        new_mentor.get(reverse("growth:shared-goal", kwargs={"goal_id": goal.pk})).status_code
        == 404
    )
    assert [a.key for a in services.audiences_for(world.mentee)] == [f"mentorship:{ms.pk}"]


def test_the_share_form_offers_only_the_owners_own_audiences(world: World, reach) -> None:
    ms = reach("active")
    other = reach("active", user=world.other_mentee, mentor=world.other_mentor)
    goal = services.create_goal(owner=world.mentee, title=SECRET)
    mentee = _client(world, "mentee")
    page = mentee.get(reverse("growth:goal-detail", kwargs={"goal_id": goal.pk})).content.decode()
    assert f'value="mentorship:{ms.pk}"' in page
    assert f"mentorship:{other.pk}" not in page
    # posting somebody else's mentorship is refused with the field's message; nothing saved
    response = mentee.post(
        reverse("growth:goal-share", kwargs={"goal_id": goal.pk}),
        {"audience": f"mentorship:{other.pk}"},
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Share.objects.exists()
