"""Demo history for the circle programme: mid-season, circles formed, slots chosen and about
three sessions held (attendance, notes, action items). Direct ORM writes, no emails."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from peerly.accounts.models import Visibility
from peerly.accounts.selectors import can_see
from peerly.circles import rotation, services, slots
from peerly.circles.matching_bridge import plan_formation
from peerly.circles.models import (
    ActionItem,
    ActionStatus,
    Attendance,
    AttendanceStatus,
    Block,
    Circle,
    CircleMember,
    CircleSession,
    Season,
    SessionStatus,
    SlotOption,
    SlotStatus,
    SlotVote,
)
from peerly.programs.models import Enrollment, EnrollmentStatus, Program

DEMO_MEMBER = "member@demo.peerly.test"
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
    settings = services.get_settings(program=program)
    today = now.date()
    starts_on = program.starts_on or today - dt.timedelta(weeks=6)
    starts_on -= dt.timedelta(days=starts_on.weekday())  # the Monday of that week
    seed = rng.randint(1, 10_000)
    plan = plan_formation(program=program, settings=settings, starts_on=starts_on, seed=seed)
    groups = [list(c.user_ids) for c in plan.circles]
    windows = {c.user_ids: c.common_windows for c in plan.circles}
    demo = next(
        (
            e.user_id
            for e in enrollments
            if e.user.email == DEMO_MEMBER and e.status == EnrollmentStatus.ACTIVE
        ),
        None,
    )
    unmatched = list(plan.unmatched)
    if demo is not None and not any(demo in g for g in groups) and groups:
        # The demo member must have a circle to show: take the first circle's slot.
        groups[0] = sorted([*groups[0], demo])
        windows[tuple(groups[0])] = plan.circles[0].common_windows
        unmatched = [u for u in unmatched if u.user_id != demo]
    season = Season.objects.create(
        program=program,
        number=1,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(weeks=settings.season_weeks),
        seed=seed,
        strategy=settings.strategy,
        unmatched=[
            {"user_id": u.user_id, "reason": u.reason, "detail": u.detail, "message": u.message}
            for u in unmatched
        ],
        metrics=plan.metrics,
    )
    season_start = dt.datetime(starts_on.year, starts_on.month, starts_on.day, tzinfo=dt.UTC)
    hours = services.member_hours([u for g in groups for u in g])
    shown = {  # only zones members show their circle become a circle's zone
        e.user_id for e in enrollments if can_see(e.user.profile, "timezone", Visibility.PROGRAMMES)
    }
    zones = {
        tuple(g): slots.majority_zone([hours[u].zone for u in g if u in shown]) for g in groups
    }
    circles = Circle.objects.bulk_create(
        [
            Circle(
                season=season,
                program=program,
                number=i + 1,
                timezone=zones[tuple(g)],
                common_windows=[
                    list(w) for w in (windows.get(tuple(g)) or plan.circles[0].common_windows)
                ],
                shared_interests=list(
                    next((c.shared_interests for c in plan.circles if list(c.user_ids) == g), ())
                ),
                slot_status=SlotStatus.SCHEDULED,
                decided_at=season_start - dt.timedelta(days=3),
            )
            for i, g in enumerate(groups)
        ]
    )
    CircleMember.objects.bulk_create(
        [
            CircleMember(
                circle=c,
                season=season,
                user_id=uid,
                position=pos,
                voted_at=season_start - dt.timedelta(days=4),
            )
            for c, g in zip(circles, groups, strict=True)
            for pos, uid in enumerate(g)
        ]
    )
    options = []
    for circle, g in zip(circles, groups, strict=True):
        for offer in slots.offer_slots(
            [hours[u] for u in g],
            zone=circle.timezone,
            minutes=settings.session_minutes,
            season_start=starts_on,
            season_end=season.ends_on,
            limit=4,
        ):
            options.append(
                SlotOption(
                    circle=circle,
                    minute_of_week=offer.minute_of_week,
                    first_start_at=offer.first_start_at,
                    conflicts=[
                        {"on": c.on.isoformat(), "user_ids": list(c.user_ids)}
                        for c in offer.conflicts
                    ],
                )
            )
    SlotOption.objects.bulk_create(options)
    chosen: dict[int, SlotOption] = {}
    for option in options:
        chosen.setdefault(option.circle_id, option)
    SlotVote.objects.bulk_create(
        [
            SlotVote(option=chosen[c.pk], user_id=uid)
            for c, g in zip(circles, groups, strict=True)
            if c.pk in chosen
            for uid in g
        ]
    )
    sessions: list[CircleSession] = []
    for circle in circles:
        picked = chosen.get(circle.pk)
        if picked is None:
            circle.slot_status = SlotStatus.VOTING
            circle.decided_at = None
            continue
        circle.slot_minute = picked.minute_of_week
        starts = slots.session_starts(
            picked.minute_of_week,
            zone=circle.timezone,
            season_start=starts_on,
            season_end=season.ends_on,
            interval_weeks=settings.interval_weeks,
            not_before=season_start,
        )
        sessions.extend(
            CircleSession(
                circle=circle,
                number=n,
                original_starts_at=s,
                starts_at=s,
                duration_minutes=settings.session_minutes,
            )
            for n, s in enumerate(starts, start=1)
        )
    Circle.objects.bulk_update(circles, ["slot_status", "slot_minute", "decided_at"])
    CircleSession.objects.bulk_create(sessions)
    _history(circles, groups, sessions, now, rng, demo)


def _history(
    circles: list[Circle],
    groups: list[list[int]],
    sessions: list[CircleSession],
    now: dt.datetime,
    rng: random.Random,
    demo: int | None,
) -> None:
    by_circle: dict[int, list[CircleSession]] = {}
    for s in sessions:
        by_circle.setdefault(s.circle_id, []).append(s)
    attendance: list[Attendance] = []
    planned_blocks: list[tuple[Block, CircleSession]] = []
    for circle, members in zip(circles, groups, strict=True):
        served: dict[int, dict[str, int]] = {}
        for s in sorted(by_circle.get(circle.pk, []), key=lambda x: x.number):
            if s.ends_at > now:
                break
            roll = rng.random()
            if roll < 0.05 and demo not in members:
                continue  # missed: nobody recorded it
            if roll < 0.08 and demo not in members:
                s.status = SessionStatus.CANCELLED
                s.cancel_reason = "Two of us were travelling."
                continue
            present = (
                [m for m in members if rng.random() > 0.1] if demo not in members else list(members)
            )
            if len(present) < 2:
                present = list(members)
            s.status = SessionStatus.HELD
            s.held_at = s.starts_at
            attendance.extend(
                Attendance(
                    session=s,
                    user_id=m,
                    status=AttendanceStatus.PRESENT if m in present else AttendanceStatus.ABSENT,
                )
                for m in members
            )
            roles = rotation.assign_roles(
                members, set(present), session_number=s.number, served=served
            )
            rotation.tally(roles, served)
            for r in roles:
                text = rng.choice(ISSUES)
                planned_blocks.append(
                    (
                        Block(
                            session=s,
                            position=r.position,
                            coachee_id=r.coachee,
                            coach_id=r.coach,
                            note_taker_id=r.note_taker,
                            issue=text[0],
                            outcome=text[1],
                            obstacles_self=text[2],
                            obstacles_others=text[3],
                            obstacles_situation=text[4],
                            brainstorm=text[5],
                            approach=text[6],
                            timing=text[7],
                            updated_by_id=r.note_taker,
                            updated_at=s.ends_at,
                        ),
                        s,
                    )
                )
    CircleSession.objects.bulk_update(sessions, ["status", "held_at", "cancel_reason"])
    Attendance.objects.bulk_create(attendance)
    blocks = Block.objects.bulk_create([b for b, _ in planned_blocks])
    last_held: dict[int, int] = {}
    for _, session in planned_blocks:
        last_held[session.circle_id] = max(last_held.get(session.circle_id, 0), session.number)
    actions = []
    for block, (_, session) in zip(blocks, planned_blocks, strict=True):
        latest = session.number == last_held[session.circle_id]
        status = (
            ActionStatus.OPEN
            if latest
            else rng.choice(
                [
                    ActionStatus.DONE,
                    ActionStatus.DONE,
                    ActionStatus.IN_PROGRESS,
                    ActionStatus.DROPPED,
                ]
            )
        )
        actions.append(
            ActionItem(
                circle_id=session.circle_id,
                block=block,
                owner_id=block.coachee_id,
                text=rng.choice(ACTIONS),
                status=status,
                due_on=(session.starts_at + dt.timedelta(days=10)).date(),
            )
        )
    ActionItem.objects.bulk_create(actions)
