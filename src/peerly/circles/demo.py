"""Demo history for the circle programme: mid-season, circles formed, slots chosen and about
three sessions held (attendance, notes, action items). Replayed through the same services
the product uses (publish, votes, attendance, blocks, action statuses), so the demo has audit
rows and cannot drift from what the product makes. Sends no email (`muted()`, from
notifications/muting.py)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from peerly.circles import services
from peerly.circles.models import Block
from peerly.circles.models import Circle
from peerly.circles.models import CircleSession
from peerly.growth.models import ActionItem
from peerly.growth.models import ActionStatus
from peerly.notifications.muting import muted
from peerly.programs.demo import MEMBER
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program

SEEDS_TO_TRY = 50  # the demo member must have a circle to show: the first seed that gives one
ISSUES = [
    (
        "I keep saying yes to every review request and my own work slips.",
        "Two focused afternoons a week; reviews batched on Mondays.",
        "Saying no feels rude.",
        "Maintainers expect quick answers.",
        "Release in three weeks.",
        "Publish a review rota; ask a co-maintainer to share.",
        "Propose a rota at the next team call.",
        "Within two weeks.",
    ),
    (
        "Our meetup lost half its regulars since spring.",
        "A steady group of 15 people who bring friends.",
        "I am tired of organising alone.",
        "Venue contact changed.",
        "No budget for food.",
        "Co-organiser call; survey the regulars; try a shared online session.",
        "Send a three-question survey; ask two regulars to co-host.",
        "Survey this week.",
    ),
    (
        "I want to move from support into engineering.",
        "Ship my first merged patch in the main repo by summer.",
        "Not sure my Python is good enough.",
        "Mentors are busy.",
        "Few good first issues.",
        "Pair on a small bug; ask for a mentor in chat; timebox learning.",
        "Pick one labelled issue and ask for a pairing session.",
        "Next Friday.",
    ),
    (
        "Docs reviews turn into long debates about style.",
        "A short style guide everyone agrees on and quicker reviews.",
        "I avoid conflict.",
        "Two reviewers disagree strongly.",
        "No owner for the guide.",
        "Draft a one-page guide; call a 30-minute decision meeting.",
        "Write the draft and circulate it.",
        "By the end of the month.",
    ),
    (
        "I feel I cannot say what I want to grow into.",
        "A clear next role and one skill to build towards it.",
        "Low confidence.",
        "Manager changed recently.",
        "Busy quarter.",
        "List three roles I admire; talk to someone in each.",
        "Book two short conversations.",
        "Before the next session.",
    ),
]
# Each ISSUES row gives these block fields in this order ("ideas" stays empty).
NOTE_FIELDS = tuple(name for name in Block.NOTE_FIELDS if name != "ideas")
ACTIONS = [
    "Draft the proposal and share it",
    "Ask two people for feedback",
    "Book a 30-minute slot with my manager",
    "Write down what worked this week",
    "Try the new approach once and note the result",
    "Send the survey",
]


def populate(
    *, program: Program, enrollments: Sequence[Enrollment], rng: random.Random, now: dt.datetime
) -> None:
    today = now.date()
    starts_on = program.starts_on or today - dt.timedelta(weeks=6)
    starts_on -= dt.timedelta(days=starts_on.weekday())  # the Monday of that week
    demo = next(
        (
            e.user_id
            for e in enrollments
            if e.user.email == MEMBER.email and e.status == EnrollmentStatus.ACTIVE
        ),
        None,
    )
    first = rng.randint(1, 10_000)
    seed = first
    for seed in range(first, first + SEEDS_TO_TRY):
        plan = services.preview_season(program=program, seed=seed, starts_on=starts_on)
        if demo is None or any(demo in c.user_ids for c in plan.circles):
            break
    if not plan.circles:
        return  # a tiny community (e.g. --members 20) may have no triad with common hours
    season_start = dt.datetime(starts_on.year, starts_on.month, starts_on.day, tzinfo=dt.UTC)
    with muted():
        season, _ = services.publish_season(
            actor=None, program=program, number=1, seed=seed, starts_on=starts_on
        )
        circles = list(
            Circle.objects.filter(season=season)
            .prefetch_related("memberships__user", "slot_options")
            .order_by("number")
        )
        for circle in circles:
            _choose_slot(circle, at=season_start - dt.timedelta(days=4))
        for circle in circles:
            _hold_sessions(circle, now=now, rng=rng, demo=demo)


def _choose_slot(circle: Circle, *, at: dt.datetime) -> None:
    """Everyone votes for the first offered slot: the last vote decides it."""
    options = sorted(circle.slot_options.all(), key=lambda o: o.first_start_at)
    if not options:
        return  # stays choosing a slot
    for member in circle.memberships.all():
        services.vote_slots(user=member.user, circle=circle, option_ids=[options[0].pk], now=at)


def _hold_sessions(
    circle: Circle, *, now: dt.datetime, rng: random.Random, demo: int | None
) -> None:
    members = [m.user for m in circle.memberships.all()]
    ids = [u.pk for u in members]
    by_id = {u.pk: u for u in members}
    held: list[CircleSession] = []
    for session in circle.sessions.order_by("number"):
        if session.ends_at > now:
            break
        roll = rng.random()
        if roll < 0.05 and demo not in ids:
            continue  # missed: nobody recorded it
        if roll < 0.08 and demo not in ids:
            services.cancel_session(
                actor=members[0], session=session, reason="Two of us were travelling."
            )
            continue
        present = [m for m in ids if rng.random() > 0.1] if demo not in ids else list(ids)
        if len(present) < 2:
            present = list(ids)
        services.record_attendance(
            actor=by_id[present[0]], session=session, present_ids=present, now=session.starts_at
        )
        for block in session.blocks.order_by("position"):
            text = rng.choice(ISSUES)
            services.save_block(
                actor=by_id[block.note_taker_id],
                block=block,
                notes=dict(zip(NOTE_FIELDS, text, strict=True)),
                new_actions=[
                    {
                        "text": rng.choice(ACTIONS),
                        "owner_id": block.coachee_id,
                        "due_on": (session.starts_at + dt.timedelta(days=10)).date(),
                    }
                ],
            )
        held.append(session)
    if not held:
        return
    latest = held[-1]
    earlier = ActionItem.objects.filter(circle=circle).exclude(block__session=latest)
    for action in earlier.select_related("owner").order_by("pk"):
        status = rng.choice(
            [ActionStatus.DONE, ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.DROPPED]
        )
        services.update_action(actor=action.owner, action=action, status=status)
