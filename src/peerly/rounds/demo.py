"""Demo history for the coffee programme: four monthly rounds, replayed through the same
services the product uses (skips, publishing with the real engine, reminders, check-ins,
answers, closing), so demo data has audit rows and cannot drift from what the product makes.
The last round was drawn two days ago and its meet-by week is under way, with the demo member
(`programs.demo.MEMBER`) in a group. Sends no email: the past is replayed inside `muted()`
(notifications/muting.py)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from peerly.notifications.muting import muted
from peerly.programs.demo import MEMBER
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.rounds import selectors
from peerly.rounds import services
from peerly.rounds.models import ChoiceKind
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round

ROUNDS = 4
CURRENT_DRAWN_DAYS_AGO = 2  # the current round's meet-by week includes today
SEEDS_TO_TRY = 20  # the demo member must have a current match: the first seed that gives one
ANSWERS = ["all"] * 6 + ["some", "no", "not_yet"]


def populate(
    *, program: Program, enrollments: Sequence[Enrollment], rng: random.Random, now: dt.datetime
) -> None:
    settings_row = selectors.get_coffee_settings(program=program)
    users = {e.user_id: e.user for e in enrollments if e.status == EnrollmentStatus.ACTIVE}
    demo = next((uid for uid, user in users.items() if user.email == MEMBER.email), None)
    today = now.date()
    with muted():
        for number in range(1, ROUNDS + 1):
            draw_day = today - dt.timedelta(days=CURRENT_DRAWN_DAYS_AGO + 28 * (ROUNDS - number))
            published_at = dt.datetime.combine(draw_day, settings_row.draw_time, tzinfo=dt.UTC)
            for user_id in sorted(users):
                if rng.random() >= 0.88 and user_id != demo:
                    services.set_round_choice(
                        user=users[user_id], program=program, choice=ChoiceKind.SKIP
                    )
            round_, _ = services.publish_round(
                program=program,
                actor=None,
                seed=_seed(program, number, demo, published_at) if number == ROUNDS else number,
                now=published_at,
                automatic=True,
            )
            _replay_round(round_, program=program, rng=rng, now=now)
        services.send_reasks(now=now, program=program)  # "not yet" answers were asked again


def _seed(program: Program, number: int, demo: int | None, at: dt.datetime) -> int:
    """The first seed from `number` whose draw puts the demo member in a group."""
    for seed in range(number, number + SEEDS_TO_TRY):
        preview = services.preview_round(program=program, seed=seed, now=at)
        if demo is None or any(demo in group.user_ids for group in preview.draw.groups):
            return seed
    return number


def _replay_round(round_: Round, *, program: Program, rng: random.Random, now: dt.datetime) -> None:
    """What happened after the draw, as far as it is in the past: reminders, check-ins and
    answers, closing."""
    meet_by = round_.meet_by
    reminder = dt.datetime.combine(meet_by - dt.timedelta(days=2), dt.time(9), tzinfo=dt.UTC)
    if reminder <= now:
        services.send_reminders(now=reminder, program=program)
    sent = dt.datetime.combine(meet_by + dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC)
    if sent > now:
        return  # the meet-by week is not over: nobody has been asked yet
    services.send_checkins(now=sent, program=program)
    for group in round_.groups.prefetch_related("members__user").order_by("number"):
        answered = rng.random() < (0.55 + 0.05 * round_.number)
        answer = rng.choice(ANSWERS) if answered else ""
        members: list[GroupMember] = list(group.members.all())
        for i, membership in enumerate(members):
            if not (answered and (i == 0 or rng.random() < 0.5)):
                continue
            met = answer in ("all", "some")
            services.submit_checkin(
                user=membership.user,
                group=group,
                answer=answer,
                rating=rng.randint(3, 5) if met else None,
                knew_before=rng.random() < 0.15,
                now=min(sent + dt.timedelta(hours=rng.randint(1, 60)), now),
            )
    if meet_by + dt.timedelta(days=services.CLOSE_AFTER_DAYS) < now.date():
        services.close_round(round_=round_, actor=None, now=now)
