"""Demo history for the mentorship programme, replayed through the services: mentors added,
applicants at every stage, months of reports, comments and requests, last year's feedback
round and two nominations. Every row is one the product itself would write (with its audit
row); `services.clock` sets each step's moment and `muted()` (notifications/muting.py) keeps
it from mailing."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from typing import TypeVar

from peerly.core.errors import ServiceError
from peerly.mentorship import selectors
from peerly.mentorship import services
from peerly.mentorship.models import ORIENTATION_ITEMS
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import Review
from peerly.mentorship.services import first_of_month
from peerly.mentorship.services import get_settings
from peerly.notifications.muting import muted
from peerly.programs.demo import APPLICANT
from peerly.programs.demo import MENTEE
from peerly.programs.demo import MENTOR
from peerly.programs.models import Enrollment
from peerly.programs.models import Program
from peerly.programs.models import Role

T = TypeVar("T")

EXPERTISE = [
    "Python",
    "JavaScript",
    "Public speaking",
    "Event planning",
    "Technical writing",
    "Community building",
    "Fundraising",
    "Leadership",
    "Accessibility",
    "Testing",
    "Translation",
    "Security",
]
GOALS = [
    "Give my first conference talk and grow our local community.",
    "Become a maintainer: learn code review and release management.",
    "Organise a monthly meetup in my city with a small budget.",
    "Improve our documentation and mentor new translators.",
    "Learn to lead a small team of volunteers without burning out.",
]
DID = [
    "Ran a workshop for 20 people",
    "Reviewed 12 pull requests",
    "Translated the guide",
    "Met two new contributors",
    "Drafted the meetup plan",
    "Spoke at a local event",
]
NEXT = ["Find a venue", "Write a blog post", "Ask for a budget", "Pair with a maintainer"]
BLOCKERS = ["", "", "Waiting for swag", "Not enough time this month", ""]

# (status, share of the ~69 demo mentees); stages that need a mentor come first.
STAGES = [
    ("orientation", 6),
    ("screening", 3),
    ("assigned", 4),
    ("active", 38),
    ("submitted", 9),
    ("ended", 4),
    ("declined", 3),
    ("withdrawn", 2),
]


# The personas' stages (programs/demo.py): the mentee persona is in orientation with the
# mentor persona, the applicant waits for a mentor.
PERSONA_STAGES = {MENTEE.email: "orientation", APPLICANT.email: "submitted"}


def _stage_plan(count: int) -> list[str]:
    total = sum(n for _, n in STAGES)
    plan = [s for s, n in STAGES for _ in range(max(1, round(n * count / total)))]
    return (plan + ["active"] * count)[:count]


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, cursor = [], first_of_month(start)
    while cursor < first_of_month(end):
        months.append(cursor)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    return months


def _at(moment: dt.datetime, fn: Callable[..., T], /, **kwargs: Any) -> T | None:
    """Call one service as if it were `moment`; a refusal (e.g. no free place) skips the step."""
    with services.clock(moment):
        try:
            return fn(**kwargs)
        except ServiceError:
            return None


def populate(
    *, program: Program, enrollments: list[Enrollment], rng: random.Random, now: dt.datetime
) -> None:
    with muted():
        _populate(program=program, enrollments=enrollments, rng=rng, now=now)


def _populate(
    *, program: Program, enrollments: list[Enrollment], rng: random.Random, now: dt.datetime
) -> None:
    cfg = get_settings(program)
    mentor_rows = [e for e in enrollments if e.role == Role.MENTOR]
    mentee_rows = [e for e in enrollments if e.role == Role.MENTEE]
    profiles: list[MentorProfile] = []
    for e in mentor_rows:
        profile = getattr(e.user, "profile", None)
        own = profile.skill_list if profile is not None else []
        expertise = list(dict.fromkeys([*own[:2], *rng.sample(EXPERTISE, 2)]))
        added = _at(
            now - dt.timedelta(days=rng.randint(150, 400)),
            services.add_mentor,
            actor=None,
            program=program,
            user=e.user,
            capacity=4 if e.user.email == MENTOR.email else rng.choice([2, 3, 3, 4]),
            expertise=", ".join(expertise),
        )
        if added is not None:
            profiles.append(added)
    if not profiles:
        return
    quiet = profiles[-1]  # one mentor who goes quiet: no reviews, no comments
    persona = next((p for p in profiles if p.user.email == MENTOR.email), None)

    plan = _stage_plan(len(mentee_rows))
    first_active = True
    for i, enrollment in enumerate(mentee_rows):
        status = PERSONA_STAGES.get(enrollment.user.email, plan[i])
        # The mentor persona mentors the mentee persona and the first active mentee.
        prefer = None
        if enrollment.user.email == MENTEE.email or (status == "active" and first_active):
            prefer = persona
            first_active = first_active and status != "active"
        _replay(
            Cast(program, profiles, quiet, rng, now, cfg.screening_days),
            user=enrollment.user,
            status=status,
            prefer=prefer,
        )

    # A few mentors stop taking new mentees; the quiet one is flagged if quiet long enough.
    for profile in profiles[:-1]:
        if rng.random() < 0.1:
            profile.refresh_from_db()
            _at(
                now - dt.timedelta(days=rng.randint(1, 20)),
                services.update_mentor_profile,
                actor=profile.user,
                profile=profile,
                expertise=profile.expertise,
                languages=profile.languages,
                capacity=profile.capacity,
                is_accepting=False,
            )
    quiet.refresh_from_db()
    since = selectors.last_activity(quiet)
    if quiet.load and since < now - dt.timedelta(days=cfg.inactivity_days):
        _at(now, services.flag_inactive_mentor, profile=quiet, now=now, since=since)

    # Last year's feedback round, answered by most.
    opened = now - dt.timedelta(days=300)
    rnd = _at(opened, services.open_review_round, actor=None, program=program, now=opened)
    if rnd is not None:
        for review in Review.objects.filter(round=rnd).select_related("reviewer"):
            if rng.random() < 0.8:
                _at(
                    opened + dt.timedelta(days=5),
                    services.submit_review,
                    actor=review.reviewer,
                    review=review,
                    strengths="Reliable and curious.",
                    improve="Share progress earlier.",
                    rating=rng.randint(3, 5),
                )

    # Two people on their way to becoming mentors: one nominated and trained, one self-nominated.
    ended = Mentorship.objects.filter(program=program, status="ended").select_related("mentee")
    candidates = [ms.mentee for ms in ended.order_by("pk")[:2]]
    moment = now - dt.timedelta(days=10)
    if candidates:
        nom = _at(
            moment,
            services.nominate_mentor,
            actor=profiles[0].user,
            program=program,
            nominee=candidates[0],
            statement="Graduated from mentoring and already coaches newcomers.",
            expertise="Community building",
        )
        for index in range(len(cfg.training_items)) if nom is not None else ():
            _at(
                moment + dt.timedelta(days=1 + index),
                services.set_training_item,
                actor=candidates[0],
                nomination=nom,
                index=index,
                done=True,
            )
    if len(candidates) > 1:
        _at(
            moment,
            services.nominate_mentor,
            actor=candidates[1],
            program=program,
            nominee=candidates[1],
            statement="I would love to give back what I learned.",
            expertise="Translation",
        )


@dataclass(frozen=True)
class Cast:
    """What every mentee's replay shares: the programme, its mentors, the clock."""

    program: Program
    profiles: list[MentorProfile]
    quiet: MentorProfile
    rng: random.Random
    now: dt.datetime
    screening_days: int


def _decline(
    at: dt.datetime, ms: Mentorship, mentor: MentorProfile, reason: str, **extra: Any
) -> None:
    _at(at, services.decline_application, actor=mentor.user, mentorship=ms, reason=reason, **extra)


def _replay(cast: Cast, *, user: Any, status: str, prefer: MentorProfile | None) -> None:
    """One mentee's journey up to `status`, step by step through the services."""
    program, profiles, quiet, rng, now = (
        cast.program,
        cast.profiles,
        cast.quiet,
        cast.rng,
        cast.now,
    )
    screening_days = cast.screening_days
    days_ago = {
        "active": rng.randint(130, 330),
        "orientation": rng.randint(25, 60),
        "screening": rng.randint(4, 12),
        "assigned": rng.randint(2, 8),
        "submitted": rng.randint(1, 20),
        "ended": rng.randint(300, 420),
        "declined": rng.randint(20, 90),
        "withdrawn": rng.randint(10, 40),
    }[status]
    submitted = now - dt.timedelta(days=days_ago, hours=rng.randint(0, 23))
    ms = _at(
        submitted,
        services.submit_application,
        user=user,
        program=program,
        goals=rng.choice(GOALS),
        wants=", ".join(rng.sample(EXPERTISE, 2)),
    )
    if ms is None:
        return
    if status == "withdrawn":
        _at(
            submitted + dt.timedelta(days=3),
            services.withdraw_application,
            actor=user,
            mentorship=ms,
        )
        return
    if status == "submitted":
        if rng.random() < 0.3 and user.email != APPLICANT.email:  # one mentor already passed
            passer = rng.choice(profiles)
            assigned_at = submitted + dt.timedelta(hours=2)
            if _at(assigned_at, services.assign_mentor, actor=None, mentorship=ms, mentor=passer):
                _decline(
                    min(assigned_at + dt.timedelta(days=1), now),
                    ms,
                    passer,
                    "My mentee list is full this season.",
                )
        return
    assigned_at = submitted + dt.timedelta(days=rng.randint(1, 14))
    if status in ("assigned", "screening"):
        assigned_at = now - dt.timedelta(days=rng.randint(0, min(5, screening_days - 1)))
    mentor: MentorProfile | None = None
    order = rng.sample(profiles, len(profiles))
    for candidate in [prefer, *order] if prefer is not None else order:
        if _at(assigned_at, services.assign_mentor, actor=None, mentorship=ms, mentor=candidate):
            mentor = candidate
            break
    if mentor is None or status == "assigned":
        return  # no free place anywhere: the application waits
    if status == "declined":
        _decline(
            assigned_at + dt.timedelta(days=2),
            ms,
            mentor,
            "Please apply again once you have contributed for a few months.",
            back_to_pool=False,
        )
        return
    if status == "screening":
        _at(assigned_at, services.start_screening, actor=mentor.user, mentorship=ms)
        return
    accepted = assigned_at + dt.timedelta(days=rng.randint(1, 5))
    _at(accepted, services.accept_application, actor=mentor.user, mentorship=ms)
    done = len(ORIENTATION_ITEMS) if status != "orientation" else rng.randint(0, 4)
    for key, _ in ORIENTATION_ITEMS[:done]:
        _at(accepted, services.set_orientation_item, actor=user, mentorship=ms, item=key, done=True)
    if status == "orientation":
        return
    graduated = accepted + dt.timedelta(days=rng.randint(14, 40))
    _at(graduated, services.graduate_mentee, actor=mentor.user, mentorship=ms)
    ended = now - dt.timedelta(days=rng.randint(5, 60)) if status == "ended" else None
    months = _months(graduated.date(), (ended or now).date())
    for index, month in enumerate(months):
        last = index == len(months) - 1
        if rng.random() < (0.3 if last else 0.12):
            continue  # a missing (or overdue) report
        filed = dt.datetime.combine(month, dt.time(12), dt.UTC) + dt.timedelta(
            days=rng.randint(28, 36)
        )
        filed = min(filed, (ended or now) - dt.timedelta(hours=1))
        report = _at(
            filed,
            services.file_report,
            actor=user,
            mentorship=ms,
            month=month,
            did=rng.choice(DID),
            next_steps=rng.choice(NEXT),
            blockers=rng.choice(BLOCKERS),
        )
        if report is not None and mentor != quiet and rng.random() < 0.75:
            _at(
                min(filed + dt.timedelta(days=2), now),
                services.comment_on_report,
                actor=mentor.user,
                report=report,
                body="Great progress — let's talk about it on our call.",
            )
    if status == "active" and rng.random() < 0.3:
        asked = now - dt.timedelta(days=rng.randint(5, 40))
        request = _at(
            asked,
            services.file_request,
            actor=user,
            mentorship=ms,
            kind=rng.choice(["budget", "swag", "other"]),
            amount=rng.choice([50, 120, 300]) if rng.random() < 0.7 else "",
            justification="Local meetup: venue and snacks for about 25 people.",
        )
        outcome = rng.choice(["pending", "validated", "validated", "declined"])
        if request is not None and outcome != "pending":
            _at(
                asked + dt.timedelta(days=2),
                services.decide_request,
                actor=mentor.user,
                request=request,
                validate=outcome == "validated",
                reason="" if outcome == "validated" else "Let's plan a smaller event first.",
            )
    if status == "active" and rng.random() < 0.08:
        _at(
            now - dt.timedelta(days=rng.randint(1, 4)),
            services.recognise_mentee,
            actor=mentor.user,
            mentorship=ms,
            kind=rng.choice(["recognition", "leader"]),
            note="Runs our regional events and brings in new contributors.",
        )
    if ended is not None:
        _at(
            ended,
            services.end_mentorship,
            actor=user,
            mentorship=ms,
            reason="Goals reached; we agreed to end the mentorship.",
        )
