"""Surveys for the demo community, written through the feedback services (so answers are
audited and stored exactly as real ones):

* in the coffee programme, a confidential pulse survey that ran last month and is closed,
  answered by the demo member and enough others that the organiser sees its figures (5 or
  more people), and an NPS survey open now that the demo member has not answered yet;
* after-session answers in the circles programme: the members of the demo member's circle
  (and of one more circle) on their latest held session, one of the demo member's circle
  mates passing their two texts on ("feedback for you" on the member's My surveys page).
  A community too small to have circles gets them on the demo member's past coffee meeting.

Surveys open and close through `feedback.ticks.tick` (as `peerly tick` does them), inside
`muted()`: no invitation, reminder or after-session email is queued. Only core members take
part (the call comes before the bulk members exist), so the cost does not grow with
`--members`."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from peerly.accounts.models import User
from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.circles.models import SessionStatus
from peerly.feedback import bank
from peerly.feedback import services
from peerly.feedback import ticks
from peerly.feedback.models import Anonymity
from peerly.feedback.models import Survey
from peerly.feedback.models import SurveyCadence
from peerly.feedback.models import SurveyKind
from peerly.notifications.muting import muted
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.rounds.models import MET_ANSWERS
from peerly.rounds.models import GroupMember

PULSE_TITLE = "Coffee Roulette pulse: how is it going?"
PULSE_INTRO = "Five short questions about the last rounds. Confidential: we only see totals."
PULSE_CODES = ("pulse_value", "pulse_belong", "pulse_safe", "pulse_cadence", "pulse_better")
PULSE_RESPONDENTS = 8  # the demo member and 7 others: over the 5-people threshold
NPS_TITLE = "Would you recommend Coffee Roulette?"
NPS_INTRO = "One question and a reason, if you like. It takes a minute."
NPS_RESPONDENTS = 5  # others: the demo member can be the sixth
BETTER = (
    "Suggest a first question to break the ice.",
    "A reminder a day before the meet-by date.",
    "More people from other time zones.",
    "Let us say which topics we like to talk about.",
    "",
)
NPS_WHY = (
    "I met people I would never have met otherwise.",
    "Easy to fit in a busy month.",
    "Good conversations, though finding a time is hard.",
    "Some matches never answered.",
    "",
)
HELPED = (
    "The coach's questions made me see the real problem.",
    "Having a clear next step written down.",
    "Everyone kept to time and listened.",
    "Hearing how the others handled something similar.",
)
CHANGE = (
    "Start on time so we get the full 90 minutes.",
    "Less advice, more questions.",
    "Share the notes right after the session.",
    "",
)
SHARED_HELPED = "Thank you for listening so well: your questions helped me think it through."
SHARED_CHANGE = "Maybe give me a minute more to think before the next question."
AFTER_SESSION_CIRCLES = 2  # the demo member's circle and one more


def populate(
    *,
    organiser: User,
    member: User,
    coffee: Program,
    circles: Program,
    rng: random.Random,
    now: dt.datetime,
) -> dict[str, int]:
    """The pulse and NPS surveys of `coffee` and after-session answers (circles, or coffee in
    a community too small for circles). Returns what was made, by name."""
    with muted():
        others = _coffee_members(coffee, exclude=member)
        pulse = _pulse(organiser=organiser, coffee=coffee, now=now)
        pulse_answers = _answer_pulse(pulse, member=member, others=others, rng=rng)
        nps = services.create_survey(
            actor=organiser,
            program=coffee,
            kind=SurveyKind.NPS,
            title=NPS_TITLE,
            intro=NPS_INTRO,
            anonymity=Anonymity.CONFIDENTIAL,
            cadence=SurveyCadence.ONCE,
            opens_at=now - dt.timedelta(days=3),
            closes_at=now + dt.timedelta(days=11),
            remind_at=now + dt.timedelta(days=4),
        )
        ticks.tick(now=now)  # closes the pulse survey, opens the NPS one
        nps_answers = _answer_nps(nps, others=others, rng=rng, now=now)
        after = _after_session(member=member, coffee=coffee, circles=circles, rng=rng)
    return {"pulse_answers": pulse_answers, "nps_answers": nps_answers, "after_session": after}


def _coffee_members(coffee: Program, *, exclude: User) -> list[User]:
    """The coffee programme's active core members (the demo member left out), by id."""
    return [
        e.user
        for e in Enrollment.objects.filter(program=coffee, status=EnrollmentStatus.ACTIVE)
        .exclude(user=exclude)
        .select_related("user")
        .order_by("pk")[:200]
    ]


def _pulse(*, organiser: User, coffee: Program, now: dt.datetime) -> Survey:
    """Scheduled a month ago for two weeks; opened by the tick on its day."""
    day = now.date() - dt.timedelta(days=30)
    opens_at = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    pulse = services.create_survey(
        actor=organiser,
        program=coffee,
        kind=SurveyKind.PULSE,
        title=PULSE_TITLE,
        intro=PULSE_INTRO,
        anonymity=Anonymity.CONFIDENTIAL,
        cadence=SurveyCadence.ONCE,
        opens_at=opens_at,
        closes_at=opens_at + dt.timedelta(days=14),
        remind_at=opens_at + dt.timedelta(days=7),
        bank_codes=PULSE_CODES,
    )
    ticks.tick(now=opens_at)  # opens it (the invitations are muted)
    return pulse


def _answer_pulse(
    pulse: Survey, *, member: User, others: Sequence[User], rng: random.Random
) -> int:
    questions = {q.code: q for q in pulse.questions.all()}
    opens_at, remind_at = pulse.opens_at, pulse.remind_at
    if opens_at is None or remind_at is None:  # set by _pulse; for mypy
        return 0
    people = [member, *rng.sample(list(others), min(PULSE_RESPONDENTS - 1, len(others)))]
    for index, person in enumerate(people):
        if index == len(people) // 2:
            ticks.tick(now=remind_at)  # the reminder day (muted too)
        base = remind_at if index >= len(people) // 2 else opens_at
        answers = {
            questions["pulse_value"].pk: rng.choice((3, 4, 4, 5, 5)),
            questions["pulse_belong"].pk: rng.choice((2, 3, 4, 4, 5)),
            questions["pulse_safe"].pk: rng.choice((3, 4, 5, 5)),
            questions["pulse_cadence"].pk: rng.choice(("same", "same", "more", "less")),
            questions["pulse_better"].pk: BETTER[index % len(BETTER)],
        }
        services.submit_response(
            survey=pulse,
            user=person,
            answers=answers,
            now=base + dt.timedelta(hours=2 + rng.randrange(60)),
        )
    return len(people)


def _answer_nps(
    nps: Survey, *, others: Sequence[User], rng: random.Random, now: dt.datetime
) -> int:
    questions = {q.code: q for q in nps.questions.all()}
    people = rng.sample(list(others), min(NPS_RESPONDENTS, len(others)))
    for index, person in enumerate(people):
        services.submit_response(
            survey=nps,
            user=person,
            answers={
                questions[bank.NPS].pk: rng.choice((6, 7, 8, 9, 9, 10, 10)),
                questions[bank.NPS_WHY].pk: NPS_WHY[index % len(NPS_WHY)],
            },
            now=now,
        )
    return len(people)


def _after_session(*, member: User, coffee: Program, circles: Program, rng: random.Random) -> int:
    """After-session answers: each person of the latest held session of the demo member's
    circle (or the first circle) and of one more circle; a circle mate of the demo member
    passes their texts on. Without circles, the demo member's coffee group of a past round."""
    occasions = _circle_occasions(member=member, circles=circles)
    kind_code = "circle"
    if not occasions:
        occasions = _coffee_occasions(member=member, coffee=coffee)
        kind_code = "coffee"
    made = 0
    for ref, people in occasions:
        sharer = next((p for p in people if p.pk != member.pk), None)
        shares_with_member = any(p.pk == member.pk for p in people)
        for person in people:
            occasion = services.resolve_occasion(kind_code=kind_code, ref=ref, user=person)
            if occasion is None:
                continue
            share = shares_with_member and person == sharer
            services.submit_session_feedback(
                user=person,
                kind_code=kind_code,
                occasion=occasion,
                useful=rng.choice((3, 4, 4, 5, 5)) if not share else 5,
                helped=SHARED_HELPED if share else rng.choice(HELPED),
                change=SHARED_CHANGE if share else rng.choice(CHANGE),
                share=share,
            )
            made += 1
    return made


def _circle_occasions(*, member: User, circles: Program) -> list[tuple[str, list[User]]]:
    held = (
        CircleSession.objects.filter(circle__program=circles, status=SessionStatus.HELD)
        .order_by("circle__number", "-number")
        .values_list("pk", "circle_id")
    )
    latest: dict[int, int] = {}
    for session_id, circle_id in held:
        latest.setdefault(circle_id, session_id)
    if not latest:
        return []
    mine = set(
        CircleMember.objects.filter(user=member, circle_id__in=latest).values_list(
            "circle_id", flat=True
        )
    )
    chosen = sorted(latest, key=lambda circle_id: (circle_id not in mine, circle_id))
    chosen = chosen[:AFTER_SESSION_CIRCLES]
    people: dict[int, list[User]] = {circle_id: [] for circle_id in chosen}
    for row in (
        CircleMember.objects.filter(circle_id__in=chosen)
        .select_related("user")
        .order_by("circle_id", "user_id")
    ):
        people[row.circle_id].append(row.user)
    return [(f"session-{latest[circle_id]}", people[circle_id]) for circle_id in chosen]


def _coffee_occasions(*, member: User, coffee: Program) -> list[tuple[str, list[User]]]:
    """The demo member's last coffee group of a round in which they met."""
    mine = (
        GroupMember.objects.filter(round__program=coffee, user=member, answer__in=MET_ANSWERS)
        .order_by("-round__number")
        .values_list("group_id", flat=True)
        .first()
    )
    if mine is None:
        return []
    people = [
        row.user
        for row in GroupMember.objects.filter(group_id=mine)
        .select_related("user")
        .order_by("user_id")
    ]
    return [(f"group-{mine}", people)]
