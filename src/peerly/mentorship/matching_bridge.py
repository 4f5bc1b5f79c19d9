"""The one place mentorship talks to the engine: profiles in, suggestions and plans out.

Engine ids are `str(user_id)`. Profile → engine input and availability → UTC come from
`programs.engine_input` (shared by every kind); tags are lower-cased on the way in; reasons are
worded for people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from peerly.accounts.models import Profile
from peerly.accounts.models import Visibility
from peerly.accounts.models import split_tags
from peerly.accounts.selectors import can_see
from peerly.matching import Mentee
from peerly.matching import Mentor
from peerly.matching import MentorOptions
from peerly.matching import assign_mentors
from peerly.matching import overlap_minutes
from peerly.matching import suggest_mentors
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.programs.engine_input import ProfileInput
from peerly.programs.engine_input import lower_tags
from peerly.programs.engine_input import profile_input
from peerly.programs.engine_input import utc_week

METHODS = ("optimal", "stable")


@dataclass(frozen=True)
class Suggestion:
    mentor: MentorProfile
    score: float
    shared_expertise: tuple[str, ...]
    shared_languages: tuple[str, ...]
    overlap_hours: float
    free: int
    reasons: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class PlannedAssignment:
    mentorship: Mentorship
    mentor: MentorProfile | None
    score: float
    reason: str  # "" when assigned, else why not
    suggestion: Suggestion | None


def _profile(user: object) -> Profile | None:
    return getattr(user, "profile", None)


def _availability(person: ProfileInput, reference: dt.date) -> tuple[tuple[int, int], ...]:
    return utc_week(person.local_windows, person.timezone, reference=reference)


def _shown_languages(profile: Profile | None) -> list[str]:
    if profile is None or not can_see(profile, "languages", Visibility.ORGANISERS):
        return []
    return profile.language_list


def mentor_languages(mentor: MentorProfile) -> list[str]:
    if mentor.languages.strip():
        return split_tags(mentor.languages)
    profile = _profile(mentor.user)
    return profile.language_list if profile else []


def mentor_input(mentor: MentorProfile, *, capacity: int, reference: dt.date) -> Mentor:
    person = profile_input(mentor.user)
    return Mentor(
        id=person.id,
        capacity=capacity,
        team=person.team,
        timezone=person.timezone,
        languages=lower_tags(mentor_languages(mentor)),
        skills=lower_tags(mentor.expertise_list),
        availability=_availability(person, reference),
    )


def cached_mentor_input(mentor: MentorProfile, *, capacity: int, reference: dt.date) -> Mentor:
    """`mentor_input`, built once per loaded mentor object: the assign page asks for
    suggestions for 50 applicants against the same mentors, and rebuilding every mentor's
    input (availability converted to UTC, zone) per applicant made the page grow with
    mentors × applicants. The memo lives on the instance, so it lasts one request."""
    memo: dict[tuple[int, dt.date], Mentor] = mentor.__dict__.setdefault("_engine_inputs", {})
    key = (capacity, reference)
    if key not in memo:
        memo[key] = mentor_input(mentor, capacity=capacity, reference=reference)
    return memo[key]


def mentee_input(mentorship: Mentorship, *, reference: dt.date) -> Mentee:
    person = profile_input(mentorship.mentee)
    return Mentee(
        id=person.id,
        team=person.team,
        timezone=person.timezone,
        languages=person.languages,
        wants=lower_tags(mentorship.wants_list),
        goals=mentorship.goals,
        availability=_availability(person, reference),
    )


def explain(
    mentorship: Mentorship, mentor: MentorProfile, *, score: float, reference: dt.date
) -> Suggestion:
    """Why this mentor fits this applicant, in words organisers can check."""
    wants = {w.lower(): w for w in mentorship.wants_list}
    shared_expertise = tuple(e for e in mentor.expertise_list if e.lower() in wants)
    mentee = profile_input(mentorship.mentee)
    # Name only languages both show organisers (the engine still scores on all of them).
    mine = mentee.shown_languages
    theirs = split_tags(mentor.languages) or _shown_languages(_profile(mentor.user))
    shared_languages = tuple(lang for lang in theirs if lang.strip().lower() in mine)
    a = _availability(mentee, reference)
    b = _availability(profile_input(mentor.user), reference)
    hours = round(overlap_minutes(a, b) / 60, 1) if a and b else 0.0
    reasons = []
    if shared_expertise:
        reasons.append("Shared expertise: " + ", ".join(shared_expertise))
    if shared_languages:
        reasons.append("Language: " + ", ".join(shared_languages))
    if hours:
        reasons.append(f"{hours:g} h/week of overlapping availability")
    elif a and b:
        reasons.append("No overlapping availability")
    reasons.append(
        f"{mentor.free} free place{'' if mentor.free == 1 else 's'} of {mentor.capacity}"
    )
    return Suggestion(
        mentor=mentor,
        score=score,
        shared_expertise=shared_expertise,
        shared_languages=shared_languages,
        overlap_hours=hours,
        free=mentor.free,
        reasons=tuple(reasons),
    )


def _eligible(mentors: Sequence[MentorProfile], mentorship: Mentorship) -> list[MentorProfile]:
    declined = {int(i) for i in mentorship.declined_mentor_ids}
    return [
        m
        for m in mentors
        if m.is_active
        and m.is_accepting
        and m.free > 0
        and m.user_id != mentorship.mentee_id
        and m.pk not in declined
    ]


def suggest(
    mentorship: Mentorship, mentors: Sequence[MentorProfile], *, limit: int = 5, reference: dt.date
) -> list[Suggestion]:
    """The best mentors for one applicant, best first, each with its reasons."""
    pool = _eligible(mentors, mentorship)
    by_id = {str(m.user_id): m for m in pool}
    result = suggest_mentors(
        mentee_input(mentorship, reference=reference),
        [cached_mentor_input(m, capacity=m.capacity, reference=reference) for m in pool],
        limit=limit,
        load={str(m.user_id): m.load for m in pool},
    )
    return [
        explain(mentorship, by_id[a.mentor_id], score=a.score, reference=reference)
        for a in result
        if a.mentor_id in by_id
    ]


REASON_TEXT = {
    "no_capacity": "No mentor has a free place",
    "no_feasible_mentor": "No mentor speaks a common language",
}


def plan(
    mentorships: Sequence[Mentorship],
    mentors: Sequence[MentorProfile],
    *,
    method: str = "optimal",
    seed: int = 0,
    reference: dt.date,
) -> list[PlannedAssignment]:
    """A batch assignment (not saved): one planned row per applicant, in input order."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    pool = [m for m in mentors if m.is_active and m.is_accepting and m.free > 0]
    by_id = {str(m.user_id): m for m in pool}
    allowed: dict[tuple[str, str], tuple[float, float]] | None = None
    mentees = [mentee_input(ms, reference=reference) for ms in mentorships]
    engine_mentors = [mentor_input(m, capacity=m.free, reference=reference) for m in pool]
    if any(ms.declined_mentor_ids for ms in mentorships):
        # Exclude mentors who already declined an applicant: pass explicit scores.
        from peerly.matching import score_pair

        allowed = {}
        for ms, mentee in zip(mentorships, mentees, strict=True):
            declined = {int(i) for i in ms.declined_mentor_ids}
            for m, em in zip(pool, engine_mentors, strict=True):
                if m.pk in declined or m.user_id == ms.mentee_id:
                    continue
                scored = score_pair(mentee, em)
                if scored is not None:
                    allowed[(mentee.id, em.id)] = (scored[0], scored[0])
    result = assign_mentors(
        engine_mentors,
        mentees,
        MentorOptions(method=method, seed=seed, scores=allowed, semantic=False),
    )
    by_mentee = {a.mentee_id: a for a in result.assignments}
    rows = []
    for ms in mentorships:
        a = by_mentee.get(str(ms.mentee_id))
        mentor = by_id.get(a.mentor_id) if a is not None and a.mentor_id else None
        if a is None or mentor is None:
            code = a.reason if a is not None else "no_capacity"
            rows.append(PlannedAssignment(ms, None, 0.0, REASON_TEXT.get(code, code), None))
            continue
        rows.append(
            PlannedAssignment(
                ms,
                mentor,
                a.score,
                "",
                explain(ms, mentor, score=a.score, reference=reference),
            )
        )
    return rows
