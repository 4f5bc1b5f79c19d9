"""Recommended resources for a member, each saying why.

    recommend(user, limit=5) -> [Recommendation(resource, reason), ...]

What the member is working on, in this order: their own active goals (titles), the issues
they brought to their circle blocks as coachee, and the skills they want to learn (profile).
1. Tags first: a resource's tag matches when its words appear, in order, in one of those
   texts ("public-speaking" in the goal "Get better at public speaking").
2. Then similarity fills the rest: with the `ai` extra and PEERLY_AI on, cosine similarity of
   sentence embeddings (the model the mentor matching loads); otherwise a small TF-IDF cosine
   (NumPy), deterministic.
The reason names what matched, and only ever the member's own text, shown to themselves.
Ties are broken by resource id; the same data gives the same answer.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _
from scipy import sparse

from peerly.accounts.models import Profile
from peerly.accounts.models import split_tags
from peerly.circles.models import Block
from peerly.growth.models import Goal
from peerly.growth.models import GoalStatus
from peerly.resources.models import WORD
from peerly.resources.models import Resource
from peerly.resources.selectors import Viewer
from peerly.resources.selectors import viewer_for
from peerly.resources.selectors import visible_q

MAX_CANDIDATES = 2000  # the newest resources considered for tags
MAX_SIMILAR = 300  # of those, the newest compared by similarity (embeddings cost time)
MAX_TOPICS = 10  # the member's latest circle issues considered
QUOTE_CHARS = 60
TFIDF_MIN = 0.12
EMBEDDING_MIN = 0.35


@dataclass(frozen=True)
class Interest:
    source: str  # "goal", "topic", "skill"
    text: str


@dataclass(frozen=True)
class Recommendation:
    resource: Resource
    reason: str
    score: float = 0.0


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def reason_for(interest: Interest, *, similar: bool = False) -> str:
    values = {"text": _quote(interest.text)}
    if similar:
        return {
            "goal": _("similar to your goal '%(text)s'"),
            "topic": _("similar to what you brought to your circle: '%(text)s'"),
            "skill": _("similar to what you want to learn: '%(text)s'"),
        }[interest.source] % values
    return {
        "goal": _("matches your goal '%(text)s'"),
        "topic": _("matches what you brought to your circle: '%(text)s'"),
        "skill": _("matches what you want to learn: '%(text)s'"),
    }[interest.source] % values


def interests_of(user: Any) -> list[Interest]:
    """The member's own texts, goals first (never anyone else's)."""
    out = [
        Interest("goal", title)
        for title in Goal.objects.filter(owner=user, status=GoalStatus.ACTIVE)
        .order_by("id")
        .values_list("title", flat=True)
    ]
    out += [
        Interest("topic", issue)
        for issue in Block.objects.filter(coachee=user)
        .exclude(issue="")
        .order_by("-session__starts_at", "-id")
        .values_list("issue", flat=True)[:MAX_TOPICS]
    ]
    wants = Profile.objects.filter(user=user).values_list("wants_to_learn", flat=True).first()
    out += [Interest("skill", s) for s in split_tags(wants or "")]
    return [i for i in out if i.text.strip()]


# common English words that say nothing about a topic (the similarity ignores them)
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "better", "by", "for", "from", "get", "has",
    "have", "how", "i", "in", "is", "it", "its", "me", "more", "my", "of", "on", "or", "our",
    "so", "that", "the", "their", "this", "to", "we", "what", "when", "with", "you", "your",
))  # fmt: skip


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def topic_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOP_WORDS]


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _candidates(viewer: Viewer) -> list[Resource]:
    rows = list(
        Resource.objects.filter(visible_q(viewer), is_published=True)
        .only("id", "slug", "title", "summary", "tags", "kinds_served", "program_id", "updated_at")
        .order_by("-updated_at", "-id")[:MAX_CANDIDATES]
    )
    return sorted(
        (r for r in rows if not r.kinds_served or set(r.kinds_served) & viewer.member_kinds),
        key=lambda r: r.pk,
    )


def tag_matches(interests: list[Interest], resources: list[Resource]) -> list[Recommendation]:
    """Resources with a tag in one of the interests, most matching tags first."""
    texts = [words(i.text) for i in interests]
    found: list[tuple[int, int, Recommendation]] = []
    for resource in resources:
        first: Interest | None = None
        hits = 0
        for tag in resource.tag_list:
            needle = tag.split("-")
            for interest, text in zip(interests, texts, strict=True):
                if _contains(text, needle):
                    hits += 1
                    first = first or interest
                    break
        if first is not None:
            found.append((-hits, resource.pk, Recommendation(resource, reason_for(first), hits)))
    return [rec for *_key, rec in sorted(found, key=lambda t: (t[0], t[1]))]


def _document(resource: Resource) -> str:
    return " ".join([resource.title, resource.summary, resource.tags.replace("-", " ")])


def tfidf_similarity(queries: list[str], documents: list[str]) -> np.ndarray:
    """Cosine similarity (queries × documents) of TF-IDF vectors over the documents' and
    queries' topic words; smoothed idf, so it is defined for one document too. Sparse rows,
    so a large library costs memory in its words, not words × documents."""
    tokenised = [topic_words(t) for t in (*queries, *documents)]
    vocabulary = sorted({w for doc in tokenised for w in doc})
    index = {w: i for i, w in enumerate(vocabulary)}
    n = len(tokenised)
    df = Counter(w for doc in tokenised for w in set(doc))
    idf = np.array([math.log((1 + n) / (1 + df[w])) + 1 for w in vocabulary])
    rows, cols, values = [], [], []
    for row, doc in enumerate(tokenised):
        for w, c in sorted(Counter(doc).items()):
            rows.append(row)
            cols.append(index[w])
            values.append(c * idf[index[w]])
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(n, len(vocabulary)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    matrix = sparse.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ matrix
    q = len(queries)
    return np.asarray((matrix[:q] @ matrix[q:].T).todense())


def _model() -> Any:
    """The `ai` extra's sentence model (matching.embeddings: loaded once, offline), or None."""
    from peerly.matching.embeddings import sentence_model

    return sentence_model()


def ai_enabled() -> bool:
    return bool(getattr(settings, "PEERLY_AI", False))


def embedding_similarity(queries: list[str], documents: list[str]) -> np.ndarray | None:
    """Cosine similarity of sentence embeddings, or None when the model is not available."""
    model = _model()
    if model is None:
        return None
    q = np.asarray(model.encode(queries, normalize_embeddings=True))
    d = np.asarray(model.encode(documents, normalize_embeddings=True))
    return q @ d.T


def similar(
    interests: list[Interest], resources: list[Resource], *, use_ai: bool
) -> list[Recommendation]:
    """Resources most similar to one of the interests, best first (ties by id)."""
    if not interests or not resources:
        return []
    queries = [i.text for i in interests]
    documents = [_document(r) for r in resources]
    scores = embedding_similarity(queries, documents) if use_ai else None
    threshold = EMBEDDING_MIN if scores is not None else TFIDF_MIN
    if scores is None:
        scores = tfidf_similarity(queries, documents)
    found: list[tuple[float, int, Recommendation]] = []
    for col, resource in enumerate(resources):
        best = int(np.argmax(scores[:, col]))  # the first interest on a tie
        score = float(scores[best, col])
        if score >= threshold:
            reason = reason_for(interests[best], similar=True)
            found.append((-round(score, 9), resource.pk, Recommendation(resource, reason, score)))
    return [rec for *_key, rec in sorted(found, key=lambda t: (t[0], t[1]))]


def recommend(user: Any, limit: int = 5, *, viewer: Viewer | None = None) -> list[Recommendation]:
    """Up to `limit` resources for `user`: tag matches first, then similar ones."""
    if not getattr(user, "is_authenticated", False) or limit <= 0:
        return []
    interests = interests_of(user)
    if not interests:
        return []
    resources = _candidates(viewer or viewer_for(user))
    picked = tag_matches(interests, resources)[:limit]
    if len(picked) < limit:
        chosen = {rec.resource.pk for rec in picked}
        newest = sorted(resources, key=lambda r: r.updated_at, reverse=True)[:MAX_SIMILAR]
        rest = sorted((r for r in newest if r.pk not in chosen), key=lambda r: r.pk)
        picked += similar(interests, rest, use_ai=ai_enabled())[: limit - len(picked)]
    return picked
