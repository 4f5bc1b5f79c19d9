"""Demo history for the coffee programme: four past monthly rounds drawn by the real engine,
with some answers and ratings, so reports show real charts. Sends no email."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from peerly.programs.models import Enrollment, EnrollmentStatus, Program
from peerly.programs.selectors import list_active_members
from peerly.rounds import matching_bridge, schedule, services
from peerly.rounds.models import (
    GroupMember,
    Round,
    RoundGroup,
    RoundStatus,
    UnmatchedMember,
)
from peerly.rounds.suggestions import pick_suggestions

ROUNDS = 4
ANSWERS = ["all"] * 6 + ["some", "no", "not_yet"]


def populate(
    *, program: Program, enrollments: Sequence[Enrollment], rng: random.Random, now: dt.datetime
) -> None:
    settings_row = services.get_settings(program)
    active = {e.user_id for e in enrollments if e.status == EnrollmentStatus.ACTIVE}
    users = [e.user for e in list_active_members(program=program) if e.user_id in active]
    candidates = {u.pk: matching_bridge.candidate_from_user(u) for u in users}
    history: list[tuple[int, list[int], str]] = []
    today = now.date()
    for number in range(1, ROUNDS + 1):
        draw_day = today - dt.timedelta(days=10 + 28 * (ROUNDS - number))
        published_at = dt.datetime.combine(draw_day, settings_row.draw_time, tzinfo=dt.UTC)
        meets_from, meet_by = schedule.meet_window(draw_day, settings_row.meet_window_days)
        taking_part = sorted(u for u in candidates if rng.random() < 0.88)
        drawn = matching_bridge.draw(
            candidates=[candidates[u] for u in taking_part],
            history=history,
            size=settings_row.group_size,
            seed=number,
            team_rule=settings_row.team_rule,
            min_overlap_hours=float(settings_row.min_overlap_hours),
            reference=meets_from,
        )
        closed = meet_by + dt.timedelta(days=services.CLOSE_AFTER_DAYS) < today
        not_drawn = [
            {"user_id": u, "reason": "skipped"}
            for u in sorted(candidates)
            if u not in set(taking_part)
        ]
        round_ = Round.objects.create(
            program=program,
            number=number,
            seed=number,
            published_at=published_at,
            is_automatic=True,
            meets_from=meets_from,
            meet_by=meet_by,
            status=RoundStatus.CLOSED if closed else RoundStatus.PUBLISHED,
            closed_at=now if closed else None,
            metrics={
                **drawn.metrics,
                "participants": len(taking_part),
                "groups": len(drawn.groups),
                "not_drawn": not_drawn,
            },
        )
        RoundGroup.objects.bulk_create(
            [
                RoundGroup(
                    round=round_,
                    number=n,
                    score=g.score,
                    reasons=dict(g.reasons),
                    common_windows=[list(w) for w in g.common_windows],
                    suggestions=[
                        s.isoformat()
                        for s in pick_suggestions(
                            matching_bridge.suggestion_intervals(
                                [candidates[u] for u in g.user_ids],
                                meets_from=meets_from,
                                meet_by=meet_by,
                            ),
                            settings_row.meeting_minutes,
                            zones=[matching_bridge.zone_of(candidates[u]) for u in g.user_ids],
                        )
                    ],
                )
                for n, g in enumerate(drawn.groups, start=1)
            ]
        )
        groups = list(RoundGroup.objects.filter(round=round_).order_by("number"))
        sent = dt.datetime.combine(meet_by + dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC)
        reminder = dt.datetime.combine(meet_by - dt.timedelta(days=2), dt.time(9), tzinfo=dt.UTC)
        members = []
        for group, g in zip(groups, drawn.groups, strict=True):
            answered = rng.random() < (0.55 + 0.05 * number)
            answer = rng.choice(ANSWERS) if answered else ""
            for i, user_id in enumerate(g.user_ids):
                says = answer if (answered and (i == 0 or rng.random() < 0.5)) else ""
                members.append(
                    GroupMember(
                        group=group,
                        round=round_,
                        user_id=user_id,
                        answer=says,
                        rating=rng.randint(3, 5) if says in ("all", "some") else None,
                        knew_before=rng.random() < 0.15 if says else None,
                        answered_at=sent + dt.timedelta(hours=rng.randint(1, 60)) if says else None,
                        reminder_sent_at=reminder,
                        checkin_sent_at=sent,
                    )
                )
            history.append((number, list(g.user_ids), str(group.pk)))
        GroupMember.objects.bulk_create(members)
        UnmatchedMember.objects.bulk_create(
            [
                UnmatchedMember(
                    round=round_, user_id=u.user_id, reason=u.reason, detail=u.detail[:300]
                )
                for u in drawn.unmatched
            ]
        )
