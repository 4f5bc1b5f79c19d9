"""Demo history for the coffee programme: four past monthly rounds, replayed through the same
services the product uses (skips, publishing with the real engine, reminders, check-ins,
answers, closing), so demo data has audit rows and cannot drift from what the product makes.
Sends no email: the past is replayed inside `muted()` (notifications/muting.py)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from peerly.notifications.muting import muted
from peerly.programs.models import Enrollment, EnrollmentStatus, Program
from peerly.rounds import schedule, selectors, services
from peerly.rounds.models import ChoiceKind, GroupMember

ROUNDS = 4
ANSWERS = ["all"] * 6 + ["some", "no", "not_yet"]


def populate(
    *, program: Program, enrollments: Sequence[Enrollment], rng: random.Random, now: dt.datetime
) -> None:
    settings_row = selectors.get_coffee_settings(program=program)
    users = {e.user_id: e.user for e in enrollments if e.status == EnrollmentStatus.ACTIVE}
    today = now.date()
    with muted():
        for number in range(1, ROUNDS + 1):
            draw_day = today - dt.timedelta(days=10 + 28 * (ROUNDS - number))
            published_at = dt.datetime.combine(draw_day, settings_row.draw_time, tzinfo=dt.UTC)
            _, meet_by = schedule.meet_window(draw_day, settings_row.meet_window_days)
            for user_id in sorted(users):
                if rng.random() >= 0.88:
                    services.set_round_choice(
                        user=users[user_id], program=program, choice=ChoiceKind.SKIP
                    )
            round_, _ = services.publish_round(
                program=program, actor=None, seed=number, now=published_at, automatic=True
            )
            reminder = dt.datetime.combine(
                meet_by - dt.timedelta(days=2), dt.time(9), tzinfo=dt.UTC
            )
            services.send_reminders(now=reminder, program=program)
            sent = dt.datetime.combine(meet_by + dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC)
            services.send_checkins(now=sent, program=program)
            groups = round_.groups.prefetch_related("members__user").order_by("number")
            for group in groups:
                answered = rng.random() < (0.55 + 0.05 * number)
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
            if meet_by + dt.timedelta(days=services.CLOSE_AFTER_DAYS) < today:
                services.close_round(round_=round_, actor=None, now=now)
        services.send_reasks(now=now, program=program)  # "not yet" answers were asked again
