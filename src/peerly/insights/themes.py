"""A programme's themes for its organisers: what its members' goals and circle session topics
are about, as labels of shared terms with counts of people and texts (docs/insights.md).

    report = themes(program)                     # backend chosen by settings.PEERLY_AI
    report = themes(program, backend="tf-idf")   # or "embeddings" (falls back when missing)

The texts (private) are read here and nowhere else in this app; what leaves is a ThemeReport
of terms and counts that the privacy rules of `clustering.py` allow. Computed on demand for
the MAX_TEXTS most recently changed texts and cached under a key that changes whenever a text,
a membership or the backend does.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import Literal

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.db.models import F
from django.db.models import Max
from django.utils import timezone

from peerly.circles.models import Block
from peerly.growth.models import Goal
from peerly.insights.clustering import Document
from peerly.insights.clustering import Theme
from peerly.insights.clustering import find_themes
from peerly.matching.embeddings import sentence_model
from peerly.programs.access import MEMBER_STATUSES
from peerly.programs.models import Enrollment
from peerly.programs.models import Program

logger = logging.getLogger(__name__)

Backend = Literal["embeddings", "tf-idf"]
EMBEDDINGS: Backend = "embeddings"
TFIDF: Backend = "tf-idf"
MAX_TEXTS = 2000  # texts per computation (the most recently changed); docs/insights.md
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class ThemeReport:
    backend: Backend  # the one actually used
    themes: tuple[Theme, ...]
    other: Theme | None  # small or unlabelled themes pooled: a count only
    truncated: bool  # more than MAX_TEXTS texts: only the most recent were used
    computed_at: dt.datetime


def ai_enabled() -> bool:
    """The `ai` extra is used when the PEERLY_AI setting is on (off by default)."""
    return bool(getattr(settings, "PEERLY_AI", False))


def _model() -> Any:
    """The `ai` extra's sentence model (matching.embeddings), or None without it."""
    return sentence_model()


def embed(texts: Sequence[str]) -> np.ndarray | None:
    """Unit-length sentence embeddings of `texts`, or None without the `ai` extra."""
    model = _model()
    if model is None:
        return None
    vectors = model.encode(list(texts), normalize_embeddings=True, batch_size=64)
    return np.asarray(vectors, dtype=np.float64)


def documents(program: Program) -> tuple[list[Document], bool]:
    """The programme's texts as documents, newest first, at most MAX_TEXTS (and whether some
    were left out): goals of its members linked to it (title and why), and the topics (current
    issue) of its circle sessions' blocks, counted for the coachee. Two queries."""
    members = Enrollment.objects.filter(program=program, status__in=MEMBER_STATUSES)
    member_ids = members.values("user_id")
    goals = (
        Goal.objects.filter(program=program, owner_id__in=member_ids)
        .order_by("-updated_at", "-id")
        .values_list("owner_id", "title", "why", "updated_at")[: MAX_TEXTS + 1]
    )
    blocks = (
        Block.objects.filter(session__circle__program=program, coachee_id__in=member_ids)
        .exclude(issue="")
        .order_by(F("updated_at").desc(nulls_last=True), "-id")
        .values_list("coachee_id", "issue", "updated_at", "session__updated_at")[: MAX_TEXTS + 1]
    )
    rows: list[tuple[dt.datetime, int, str]] = [
        (updated, owner, f"{title}\n{why}") for owner, title, why, updated in goals
    ]
    rows += [(updated or fallback, owner, issue) for owner, issue, updated, fallback in blocks]
    rows.sort(key=lambda r: r[0], reverse=True)
    docs = [Document(person=owner, text=text) for _, owner, text in rows[:MAX_TEXTS]]
    return docs, len(rows) > MAX_TEXTS


def _cache_key(program: Program, backend: Backend) -> str:
    """Changes when a goal or a block of the programme is added, changed or deleted, or when
    someone joins or leaves it (the number of members changes, or the newest enrolment)."""
    members = Enrollment.objects.filter(program=program, status__in=MEMBER_STATUSES).aggregate(
        n=Count("id"), at=Max("updated_at")
    )
    goals = Goal.objects.filter(program=program).aggregate(n=Count("id"), at=Max("updated_at"))
    blocks = Block.objects.filter(session__circle__program=program).aggregate(
        n=Count("id"), at=Max("updated_at")
    )
    parts = [f"{p['n']}@{p['at'].timestamp() if p['at'] else 0}" for p in (members, goals, blocks)]
    return f"insights:themes:v1:{program.pk}:{backend}:{':'.join(parts)}"


def themes(program: Program, *, backend: Backend | None = None) -> ThemeReport:
    """The programme's themes, from the cache when nothing changed since the last time."""
    wanted: Backend = backend or (EMBEDDINGS if ai_enabled() else TFIDF)
    if wanted == EMBEDDINGS and _model() is None:
        wanted = TFIDF
    key = _cache_key(program, wanted)
    cached = cache.get(key)
    if isinstance(cached, ThemeReport):
        return cached
    report = compute(program, backend=wanted)
    cache.set(key, report, CACHE_SECONDS)
    return report


def compute(program: Program, *, backend: Backend) -> ThemeReport:
    docs, truncated = documents(program)
    vectors = embed([d.text for d in docs]) if backend == EMBEDDINGS and docs else None
    used: Backend = TFIDF if backend == EMBEDDINGS and docs and vectors is None else backend
    found = find_themes(docs, vectors)
    return ThemeReport(
        backend=used,
        themes=found.themes,
        other=found.other,
        truncated=truncated,
        computed_at=timezone.now(),
    )
