"""Themes from short private texts, with the privacy rules built in.

    report = find_themes(docs, vectors=None)   # docs: Document(person, text); TF-IDF vectors
    report.themes -> (Theme(terms, people, texts), ...), report.other -> Theme | None

No Django here (only the Django-free rule `core.aggregates.MIN_PEOPLE`).

Steps: tokenise (lower case, words of 3+ letters, English and Spanish stop words dropped);
TF-IDF (smoothed idf, sublinear tf, rows of unit length) — the vectors clustered unless the
caller passes its own (the embeddings of the `ai` extra, one unit row per document); spherical
k-means with k-means++ seeding from a fixed seed, k chosen by the best cosine silhouette among
2 … MAX_K (bounded by the number of documents); each cluster labelled by its heaviest TF-IDF
terms.

Privacy (docs/insights.md), enforced here so no caller can forget it:
- a theme is shown only if at least MIN_PEOPLE distinct people wrote texts in it;
- a label term must occur in texts of at least MIN_PEOPLE distinct people of that theme, so no
  term can point at one person; a theme left without such a term is not shown;
- themes not shown are pooled into "other" (a count only, no terms) if that pool has at least
  MIN_PEOPLE people, else dropped;
- the report holds terms and counts only, never a text or a person.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import TypeAlias

import numpy as np
from scipy import sparse

from peerly.core.aggregates import MIN_PEOPLE  # the one rule for figures shown to organisers

MAX_K = 12  # at most this many clusters are tried
LABEL_TERMS = 3  # terms per theme label
SEED = 20260415  # k-means seeding: the same data gives the same themes
N_INIT = 4  # k-means restarts per k (best inertia kept)

_WORD = re.compile(r"[^\W\d_]{3,}")

# Common words that say nothing about a theme: English and Spanish function words, and the
# verbs every goal uses ("I want to improve/learn ...").
_STOP_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves get getting got make making want wants wanted would like need needs try trying
    improve improving better become becoming learn learning able start keep use using way
    ways new much many lot lots really thing things one two three etc within without
    el la los las un una unos unas y o u e ni que de del al a en con por para sin sobre entre
    hasta desde hacia como más menos muy ya no sí se su sus mi mis tu tus lo le les me te nos
    os es son ser estar está están fue era han hay he ha haber tener tengo tiene este esta
    estos estas ese esa esos esas aquel aquella eso esto cuando donde porque pero también
    quiero quiere querer mejorar aprender hacer lograr poder puedo más mucho muchos mucha
    muchas cada todo todos toda todas otro otra otros otras mismo misma yo tú él ella nosotros
    ellos ellas usted ustedes nuestro nuestra vuestro vuestra cual cuales quien quienes qué
    cómo cuál quién
    """
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True)
class Document:
    """One text and who wrote it (only ever used to count distinct people)."""

    person: int
    text: str


@dataclass(frozen=True)
class Theme:
    terms: tuple[str, ...]  # empty for the pooled "other" theme
    people: int  # distinct people who wrote texts in it (>= MIN_PEOPLE)
    texts: int


@dataclass(frozen=True)
class Themes:
    themes: tuple[Theme, ...]  # biggest first (people, then texts, then label)
    other: Theme | None  # the pool of clusters too small or without a shared term


def tokens(text: str) -> list[str]:
    """Lower-case words of 3+ letters, stop words dropped (NFC, so "gestión" is one word)."""
    text = unicodedata.normalize("NFC", text).lower()
    return [w for w in _WORD.findall(text) if w not in STOP_WORDS]


@dataclass(frozen=True)
class TfIdf:
    vocabulary: tuple[str, ...]
    matrix: sparse.csr_matrix  # documents x vocabulary, rows of unit length (or zero)


def tfidf(texts: Sequence[str]) -> TfIdf:
    """TF-IDF as scikit-learn's defaults with sublinear tf: idf = ln((1+n)/(1+df)) + 1,
    tf = 1 + ln(count), each row scaled to unit length. Terms sorted, so the same texts give
    the same matrix."""
    counts = [_count(tokens(t)) for t in texts]
    vocabulary = tuple(sorted({w for c in counts for w in c}))
    index = {w: j for j, w in enumerate(vocabulary)}
    rows, cols, vals = [], [], []
    for i, c in enumerate(counts):
        for w, n in c.items():
            rows.append(i)
            cols.append(index[w])
            vals.append(1.0 + math.log(n))
    shape = (len(texts), len(vocabulary))
    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float64)
    df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocabulary))
    idf = np.log((1 + len(texts)) / (1 + df)) + 1.0
    matrix = sparse.csr_matrix(matrix @ sparse.diags(idf))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)
    return TfIdf(vocabulary, matrix)


def _count(words: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for w in words:
        out[w] = out.get(w, 0) + 1
    return out


Rows: TypeAlias = "np.ndarray | sparse.csr_matrix"  # unit rows: dense embeddings or sparse TF-IDF


def _similar(x: Rows, c: np.ndarray) -> np.ndarray:
    """Cosine similarities of the rows of `x` to the (unit) rows of `c`: n x len(c)."""
    return np.asarray(x @ c.T)


def _dense(m: Any) -> np.ndarray:
    return np.asarray(m.toarray()) if sparse.issparse(m) else np.asarray(m)


def _one_hot(labels: np.ndarray, k: int) -> sparse.csr_matrix:
    n = len(labels)
    return sparse.csr_matrix((np.ones(n), (labels, np.arange(n))), shape=(k, n))


def _kmeans(x: Rows, k: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Spherical k-means (cosine): k-means++ seeding, then Lloyd steps on unit centroids.
    Returns labels and the total cosine distance to the centroids."""
    n = x.shape[0]

    def row(i: int) -> np.ndarray:
        return _dense(x[i]).reshape(1, -1)

    centres = [row(int(rng.integers(n)))]
    dist = 1.0 - _similar(x, centres[0]).ravel()
    for _ in range(1, k):
        weights = np.clip(dist, 0.0, None) ** 2
        total = weights.sum()
        nxt = int(rng.choice(n, p=weights / total)) if total > 0 else int(rng.integers(n))
        centres.append(row(nxt))
        dist = np.minimum(dist, 1.0 - _similar(x, centres[-1]).ravel())
    c = np.vstack(centres)
    labels = np.full(n, -1)
    for _ in range(100):
        new = np.argmax(_similar(x, c), axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        sums = _dense(_one_hot(labels, k) @ x)
        norms = np.linalg.norm(sums, axis=1)
        filled = norms > 0  # an emptied cluster keeps its old centre
        c[filled] = sums[filled] / norms[filled, None]
    inertia = float((1.0 - np.max(_similar(x, c), axis=1)).sum())
    return labels, inertia


def _silhouette(distance: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette over all points (0 for a point alone in its cluster)."""
    ks, own = np.unique(labels, return_inverse=True)
    if len(ks) < 2:
        return -1.0
    n = len(labels)
    sizes = np.bincount(own)
    sum_to = np.asarray(_one_hot(own, len(ks)) @ distance).T  # n x k: distances summed
    own_size = sizes[own]
    a = sum_to[np.arange(n), own] / np.maximum(own_size - 1, 1)
    mean_to = sum_to / sizes
    mean_to[np.arange(n), own] = np.inf
    b = mean_to.min(axis=1)
    s = np.where(own_size > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(s.mean())


def cluster(x: Rows, *, seed: int = SEED) -> np.ndarray:
    """Cluster unit rows: k-means for each k in 2 … min(MAX_K, n // 2), the k with the best
    silhouette kept (the smaller k on a tie). Deterministic for a given seed and row order."""
    n = x.shape[0]
    if n < 4:
        return np.zeros(n, dtype=int)
    distance = np.clip(1.0 - _dense(x @ x.T), 0.0, 2.0)
    best_score, best = -math.inf, np.zeros(n, dtype=int)
    for k in range(2, min(MAX_K, n // 2) + 1):
        rng = np.random.default_rng([seed, k])
        runs = [_kmeans(x, k, rng) for _ in range(N_INIT)]
        labels = min(runs, key=lambda r: r[1])[0]
        score = _silhouette(distance, labels)
        if score > best_score + 1e-9:
            best_score, best = score, labels
    return best


def find_themes(docs: Sequence[Document], vectors: np.ndarray | None = None) -> Themes:
    """The themes of `docs`. `vectors` (one unit row per document) replaces TF-IDF for the
    clustering; labels always come from TF-IDF, so they are words the members wrote."""
    if len({d.person for d in docs}) < MIN_PEOPLE:
        return Themes((), None)
    weights = tfidf([d.text for d in docs])
    matrix = weights.matrix
    x: Rows
    if vectors is None:
        x, keep = _shared_terms(matrix)
    else:
        keep = np.arange(len(docs))
        x = np.asarray(vectors, dtype=np.float64)
    labels = cluster(x)
    people = np.array([d.person for d in docs])
    shown: list[Theme] = []
    pooled: list[int] = []
    for label in np.unique(labels):
        rows = keep[labels == label]
        theme = _theme(rows, people, matrix, weights.vocabulary)
        if theme is None:
            pooled.extend(rows.tolist())
        else:
            shown.append(theme)
    other = None
    pool_people = len(set(people[pooled].tolist())) if pooled else 0
    if pool_people >= MIN_PEOPLE:
        other = Theme((), pool_people, len(pooled))
    shown.sort(key=lambda t: (-t.people, -t.texts, t.terms))
    return Themes(tuple(shown), other)


def _shared_terms(matrix: sparse.csr_matrix) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The TF-IDF rows for clustering: only terms found in 2+ texts (a word of one text makes
    it like no other, and only shrinks its shared part), rows scaled to unit length again;
    texts left with no term are not clustered. Returns the rows and their document indexes."""
    shared = np.flatnonzero(matrix.getnnz(axis=0) >= 2)
    x = sparse.csr_matrix(matrix[:, shared])
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    keep = np.flatnonzero(norms > 0)
    return sparse.csr_matrix(sparse.diags(1.0 / norms[keep]) @ x[keep]), keep


def _theme(
    rows: np.ndarray, people: np.ndarray, matrix: sparse.csr_matrix, vocabulary: tuple[str, ...]
) -> Theme | None:
    """The cluster of `rows` as a theme, or None when it must not be shown on its own."""
    persons = people[rows]
    n_people = len(set(persons.tolist()))
    if n_people < MIN_PEOPLE:  # (also implied by the rule for label words below)
        return None
    sub = matrix[rows]
    weight = np.asarray(sub.sum(axis=0)).ravel()
    coo = sub.tocoo()
    term_people: dict[int, set[int]] = {}
    for r, j in zip(coo.row.tolist(), coo.col.tolist(), strict=True):
        term_people.setdefault(j, set()).add(int(persons[r]))
    eligible = [j for j, who in term_people.items() if len(who) >= MIN_PEOPLE]
    eligible.sort(key=lambda j: (-weight[j], vocabulary[j]))
    terms = tuple(vocabulary[j] for j in eligible[:LABEL_TERMS])
    if not terms:
        return None
    return Theme(terms, n_people, len(rows))
