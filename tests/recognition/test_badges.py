"""Badges: one idempotent, audited write path; rules evaluated by the tick; awards by hand;
the member's visibility choice honoured on every page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from peerly.accounts.models import Visibility
from peerly.core.errors import ServiceError
from peerly.core.management.commands.tick import run_ticks
from peerly.core.models import AuditEvent
from peerly.growth import services as growth_services
from peerly.recognition import services
from peerly.recognition.models import AwardSource
from peerly.recognition.models import Badge
from peerly.recognition.models import BadgeAward
from tests.conftest import Personas
from tests.recognition.conftest import met_rounds

pytestmark = pytest.mark.django_db


def test_awarding_is_idempotent_and_audited_once(personas: Personas) -> None:
    p = personas
    first, created = services.award_badge(
        program=p.program, user=p.member, badge=Badge.COMMUNITY_STAR, source=AwardSource.ORGANISER
    )
    again, created_again = services.award_badge(
        program=p.program, user=p.member, badge=Badge.COMMUNITY_STAR, source=AwardSource.ORGANISER
    )
    assert created and not created_again and first.pk == again.pk
    assert BadgeAward.objects.count() == 1
    assert AuditEvent.objects.filter(action="recognition.badge_awarded").count() == 1
    with pytest.raises(ServiceError):
        services.award_badge(program=p.program, user=p.member, badge="nope", source="rule")


def test_the_unique_constraint_is_the_backstop(personas: Personas) -> None:
    from django.db import IntegrityError
    from django.db import transaction
    from django.utils import timezone

    p = personas
    services.award_badge(program=p.program, user=p.member, badge=Badge.RECOGNISED, source="rule")
    with pytest.raises(IntegrityError), transaction.atomic():
        BadgeAward.objects.create(
            program=p.program,
            user=p.member,
            badge=Badge.RECOGNISED,
            source="rule",
            awarded_at=timezone.now(),
        )


def test_coffee_rules_are_awarded_by_the_tick_once(personas: Personas, switch_on) -> None:  # type: ignore[no-untyped-def]
    p = personas
    met_rounds(p.program, [(p.member, p.other_member)] * 5)
    run_ticks()
    assert not BadgeAward.objects.exists()  # nothing switched on yet
    switch_on(p.program, Badge.FIRST_MEETING, Badge.FIVE_ROUNDS)
    summary = run_ticks()
    assert summary["recognition.badges"] == 4
    held = set(BadgeAward.objects.values_list("user_id", "badge"))
    assert held == {
        (p.member.pk, Badge.FIRST_MEETING),
        (p.member.pk, Badge.FIVE_ROUNDS),
        (p.other_member.pk, Badge.FIRST_MEETING),
        (p.other_member.pk, Badge.FIVE_ROUNDS),
    }
    assert run_ticks()["recognition.badges"] == 0  # idempotent
    assert BadgeAward.objects.count() == 4


def test_first_goal_badge_is_private_by_default(personas: Personas, switch_on) -> None:  # type: ignore[no-untyped-def]
    p = personas
    switch_on(p.program, Badge.FIRST_GOAL)
    goal = growth_services.create_goal(owner=p.member, title="Speak at a meetup", program=p.program)
    assert services.evaluate_rules(program=p.program) == 0
    growth_services.achieve_goal(goal=goal, actor=p.member)
    assert services.evaluate_rules(program=p.program) == 1
    award = BadgeAward.objects.get()
    assert award.visibility == Visibility.PRIVATE
    # its audit row is not filed under the programme (a goal's existence is private)
    assert AuditEvent.objects.get(action="recognition.badge_awarded").program_id is None


def test_circle_rules(circle_world, switch_on) -> None:  # type: ignore[no-untyped-def]
    w = circle_world
    switch_on(w.program, Badge.FIRST_MEETING, Badge.SEASON_COMPLETED, Badge.FULL_ATTENDANCE)
    services.evaluate_rules(program=w.program)
    held = set(BadgeAward.objects.values_list("user_id", "badge"))
    assert (w.ann.pk, Badge.FIRST_MEETING) in held
    assert (w.ann.pk, Badge.SEASON_COMPLETED) in held
    assert (w.cleo.pk, Badge.FIRST_MEETING) not in held
    assert (w.cleo.pk, Badge.SEASON_COMPLETED) not in held
    # cleo missed the sessions: no full-attendance badge for anyone in that circle
    assert not any(b == Badge.FULL_ATTENDANCE for _u, b in held)


def test_rules_of_another_kind_are_refused(personas: Personas) -> None:
    with pytest.raises(ServiceError):
        services.update_settings(
            program=personas.program, actor=personas.organiser, rules=[Badge.SEASON_COMPLETED]
        )
    with pytest.raises(PermissionDenied):
        services.update_settings(
            program=personas.program, actor=personas.member, rules=[Badge.FIRST_MEETING]
        )


def test_award_by_hand_permissions(personas: Personas) -> None:
    p = personas
    url = reverse("recognition:award", kwargs={"slug": p.program.slug})
    data = {"member": p.member.pk, "badge": Badge.COMMUNITY_STAR, "reason": "Ran the meetup"}
    assert p.client("member").get(url).status_code == 403
    assert p.client("member").post(url, data).status_code == 403
    assert p.client("outsider").post(url, data).status_code == 404
    assert p.client("other_organiser").post(url, data).status_code == 404
    assert not BadgeAward.objects.exists()
    assert p.client("organiser").post(url, data).status_code == 302
    award = BadgeAward.objects.get()
    assert (award.source, award.awarded_by) == (AwardSource.ORGANISER, p.organiser)
    assert p.client("admin").post(url, {**data, "badge": Badge.RECOGNISED}).status_code == 302
    # a rule badge cannot be handed out; bad input is 400
    for bad in (
        {**data, "badge": Badge.FIVE_ROUNDS},
        {**data, "member": "x"},
        {**data, "member": p.outsider.pk},
        {**data, "reason": "x" * 1000},
    ):
        assert p.client("organiser").post(url, bad).status_code == 400, bad
    with pytest.raises(ServiceError):
        services.award_by_hand(
            actor=p.organiser, program=p.program, member=p.member, badge=Badge.FIVE_ROUNDS
        )


def _profile(p: Personas, viewer: str) -> str:
    url = reverse("accounts:member", kwargs={"user_id": p.member.pk})
    return p.client(viewer).get(url).content.decode()


@pytest.mark.parametrize(
    ("visibility", "expected"),
    [
        (
            Visibility.PROGRAMMES,
            {"member": True, "other_member": True, "organiser": True, "admin": True},
        ),
        (
            Visibility.ORGANISERS,
            {"member": True, "other_member": False, "organiser": True, "admin": True},
        ),
        (
            Visibility.PRIVATE,
            {"member": True, "other_member": False, "organiser": False, "admin": False},
        ),
    ],
)
def test_badge_visibility_is_honoured_on_the_profile_and_organiser_page(
    personas: Personas, visibility: str, expected: dict[str, bool]
) -> None:
    p = personas
    award, _ = services.award_badge(
        program=p.program, user=p.member, badge=Badge.EMERGING_LEADER, source="organiser"
    )
    services.set_badge_visibility(award=award, actor=p.member, visibility=visibility)
    label = str(Badge.EMERGING_LEADER.label)
    manage = reverse("recognition:manage", kwargs={"slug": p.program.slug})
    for viewer in ("member", "other_member", "organiser", "outsider"):  # admins see no profile
        assert (label in _profile(p, viewer)) is expected.get(viewer, False), (viewer, "profile")
    for viewer in ("organiser", "admin"):
        body = p.client(viewer).get(manage).content.decode()
        assert (label in body) is expected[viewer], (viewer, "manage")
    # the other organiser shares no programme with the member: never
    assert label not in p.client("other_organiser").get(manage).content.decode()


def test_only_the_holder_chooses_visibility(personas: Personas) -> None:
    p = personas
    award, _ = services.award_badge(
        program=p.program, user=p.member, badge=Badge.RECOGNISED, source="organiser"
    )
    url = reverse("recognition:badge-visibility", kwargs={"award_id": award.pk})
    for name in ("other_member", "organiser", "admin"):
        assert p.client(name).post(url, {"visibility": "programmes"}).status_code == 404
    assert p.client("member").post(url, {"visibility": "nonsense"}).status_code == 400
    assert p.client("member").post(url, {"visibility": "programmes"}).status_code == 302
    award.refresh_from_db()
    assert award.visibility == Visibility.PROGRAMMES
    all_url = reverse("recognition:badges-visibility")
    assert p.client("member").post(all_url, {"visibility": "private"}).status_code == 302
    award.refresh_from_db()
    assert award.visibility == Visibility.PRIVATE


def test_a_mentor_awards_their_mentee_and_a_nomination_becomes_a_badge(world) -> None:  # type: ignore[no-untyped-def]
    from peerly.mentorship import services as mentorship_services

    ms = world.reach("active")
    other = world.reach("active", user=world.other_mentee, mentor=world.other_mentor)
    mentor = world.mentor.user
    award, created = services.award_by_hand(
        actor=mentor, program=ms.program, member=ms.mentee, badge=Badge.COMMUNITY_STAR
    )
    assert created and award.source == AwardSource.MENTOR
    with pytest.raises(PermissionDenied):  # not their mentee
        services.award_by_hand(
            actor=mentor, program=ms.program, member=other.mentee, badge=Badge.COMMUNITY_STAR
        )
    item = mentorship_services.recognise_mentee(
        actor=mentor, mentorship=ms, kind="leader", note="Leads the docs sprint"
    )
    with pytest.raises(PermissionDenied):
        services.award_from_nomination(actor=mentor, recognition=item)
    url = reverse(
        "recognition:award-nomination",
        kwargs={"slug": ms.program.slug, "recognition_id": item.pk},
    )
    client = world.personas.client("organiser")
    assert (
        "Leads the docs sprint"
        not in client.get(
            reverse("recognition:manage", kwargs={"slug": ms.program.slug})
        ).content.decode()
    )  # the manage page names the nomination, not its note
    assert client.post(url).status_code == 302
    award = BadgeAward.objects.get(user=ms.mentee, badge=Badge.EMERGING_LEADER)
    assert award.source == AwardSource.NOMINATION
    assert world.personas.client("member").post(url).status_code == 403
    assert client.post(url.replace(f"/{item.pk}/", "/999999/")).status_code == 404
