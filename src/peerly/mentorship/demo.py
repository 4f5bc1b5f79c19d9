"""Demo history for the mentorship programme: mentor profiles with capacities, applicants at
every stage and a few months of reports, comments and requests. ORM only, no emails."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from peerly.mentorship.models import (
    ORIENTATION_ITEMS,
    MentorAssignment,
    MentorNomination,
    MentorProfile,
    Mentorship,
    MonthlyReport,
    NominationKind,
    NominationStatus,
    Recognition,
    ReportComment,
    Review,
    ReviewRound,
    SupportRequest,
)
from peerly.mentorship.services import first_of_month, get_settings
from peerly.programs.models import Enrollment, Program, Role

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


def populate(
    *, program: Program, enrollments: list[Enrollment], rng: random.Random, now: dt.datetime
) -> None:
    cfg = get_settings(program)
    today = now.date()
    mentor_rows = [e for e in enrollments if e.role == Role.MENTOR]
    mentee_rows = [e for e in enrollments if e.role == Role.MENTEE]
    profiles = []
    for e in mentor_rows:
        profile = getattr(e.user, "profile", None)
        own = profile.skill_list if profile is not None else []
        expertise = list(dict.fromkeys([*own[:2], *rng.sample(EXPERTISE, 2)]))
        approved = now - dt.timedelta(days=rng.randint(150, 400))
        profiles.append(
            MentorProfile(
                program=program,
                user=e.user,
                enrollment=e,
                expertise=", ".join(expertise),
                capacity=rng.choice([2, 3, 3, 4]),
                is_accepting=rng.random() > 0.1,
                approved_at=approved,
                last_activity_at=now - dt.timedelta(days=rng.randint(0, 20)),
            )
        )
    MentorProfile.objects.bulk_create(profiles)
    profiles = list(
        MentorProfile.objects.filter(program=program).select_related("user").order_by("pk")
    )
    quiet = profiles[-1]  # one mentor who has gone quiet: flagged to the organisers
    quiet.last_activity_at = now - dt.timedelta(days=cfg.inactivity_days + 20)
    quiet.inactive_flagged_at = now - dt.timedelta(days=3)
    room = {p.pk: p.capacity for p in profiles}

    def pick_mentor(exclude: int | None = None) -> MentorProfile | None:
        free = [p for p in profiles if room[p.pk] > 0 and p.pk != exclude]
        if not free:
            return None
        choice = rng.choice(free)
        room[choice.pk] -= 1
        return choice

    plan = _stage_plan(len(mentee_rows))
    mentorships: list[Mentorship] = []
    for i, enrollment in enumerate(mentee_rows):
        status = plan[i] if i < len(plan) else "submitted"
        submitted = now - dt.timedelta(
            days={
                "active": rng.randint(130, 330),
                "orientation": rng.randint(25, 60),
                "screening": rng.randint(4, 12),
                "assigned": rng.randint(2, 8),
                "submitted": rng.randint(1, 20),
                "ended": rng.randint(300, 420),
                "declined": rng.randint(20, 90),
                "withdrawn": rng.randint(10, 40),
            }[status],
            hours=rng.randint(0, 23),
        )
        mentor = (
            pick_mentor() if status in ("active", "orientation", "screening", "assigned") else None
        )
        if status in ("active", "orientation", "screening", "assigned") and mentor is None:
            status = "submitted"
        if status in ("ended", "declined"):
            mentor = rng.choice(profiles)
        match_days = rng.randint(1, 14)
        assigned = submitted + dt.timedelta(days=match_days)
        ms = Mentorship(
            program=program,
            mentee=enrollment.user,
            enrollment=enrollment,
            mentor=mentor,
            status=status,
            goals=rng.choice(GOALS),
            wants=", ".join(rng.sample(EXPERTISE, 2)),
            submitted_at=submitted,
        )
        if mentor is not None:
            ms.assigned_at = assigned
            ms.matched_at = assigned
        if status in ("assigned", "screening"):
            ms.assigned_at = now - dt.timedelta(days=rng.randint(0, 5))
            ms.matched_at = ms.assigned_at
            ms.screening_due_at = ms.assigned_at + dt.timedelta(days=cfg.screening_days)
        if status in ("active", "orientation", "ended"):
            ms.accepted_at = assigned + dt.timedelta(days=rng.randint(1, 5))
            ms.term_ends_on = ms.accepted_at.date() + dt.timedelta(days=cfg.term_days)
            done = len(ORIENTATION_ITEMS) if status != "orientation" else rng.randint(0, 4)
            ms.orientation = {
                key: ms.accepted_at.isoformat() for key, _ in ORIENTATION_ITEMS[:done]
            }
        if status in ("active", "ended") and ms.accepted_at is not None:
            ms.graduated_at = ms.accepted_at + dt.timedelta(days=rng.randint(14, 40))
        if status == "ended":
            ms.ended_at = now - dt.timedelta(days=rng.randint(5, 60))
            ms.closing_reason = "Goals reached; we agreed to end the mentorship."
        if status == "declined":
            ms.ended_at = assigned + dt.timedelta(days=2)
            ms.closing_reason = "Please apply again once you have contributed for a few months."
        if status == "withdrawn":
            ms.ended_at = submitted + dt.timedelta(days=3)
        if status == "submitted" and rng.random() < 0.3:
            ms.declined_mentor_ids = [rng.choice(profiles).pk]
        if status == "active" and mentor is quiet:
            ms.reassignment_reason = ""
        mentorships.append(ms)
    Mentorship.objects.bulk_create(mentorships)
    mentorships = list(
        Mentorship.objects.filter(program=program).select_related("mentor").order_by("pk")
    )

    assignments, reports, requests, recognitions = [], [], [], []
    for ms in mentorships:
        if ms.mentor_id and ms.status not in ("declined",):
            assignments.append(
                MentorAssignment(
                    mentorship=ms,
                    mentor_id=ms.mentor_id,
                    started_at=ms.assigned_at or now,
                    ended_at=ms.ended_at if ms.status == "ended" else None,
                    end_reason="Ended" if ms.status == "ended" else "",
                )
            )
        if ms.status in ("active", "ended") and ms.graduated_at:
            end = (ms.ended_at or now).date()
            months = _months(ms.graduated_at.date(), end)
            for index, month in enumerate(months):
                last = index == len(months) - 1
                if rng.random() < (0.3 if last else 0.12):
                    continue  # a missing (or overdue) report
                filed = dt.datetime.combine(month, dt.time(12), dt.UTC) + dt.timedelta(
                    days=rng.randint(28, 36)
                )
                filed = min(filed, now - dt.timedelta(hours=1))
                reviewed = rng.random() < 0.75 and ms.mentor is not None and ms.mentor != quiet
                reports.append(
                    MonthlyReport(
                        mentorship=ms,
                        month=month,
                        did=rng.choice(DID),
                        next_steps=rng.choice(NEXT),
                        blockers=rng.choice(BLOCKERS),
                        submitted_at=filed,
                        reviewed_at=filed + dt.timedelta(days=2) if reviewed else None,
                        reviewed_by=ms.mentor.user if reviewed else None,  # type: ignore[union-attr]
                    )
                )
            if ms.status == "active" and rng.random() < 0.3:
                requests.append(
                    SupportRequest(
                        mentorship=ms,
                        kind=rng.choice(["budget", "swag", "other"]),
                        amount=Decimal(rng.choice([50, 120, 300])) if rng.random() < 0.7 else None,
                        justification="Local meetup: venue and snacks for about 25 people.",
                        status=rng.choice(["pending", "validated", "validated", "declined"]),
                    )
                )
            if ms.status == "active" and rng.random() < 0.08:
                recognitions.append(
                    Recognition(
                        mentorship=ms,
                        kind=rng.choice(["recognition", "leader"]),
                        note="Runs our regional events and brings in new contributors.",
                        created_by=ms.mentor.user,  # type: ignore[union-attr]
                        created_at=now
                        - dt.timedelta(  # type: ignore[union-attr]
                            days=rng.randint(1, 60)
                        ),
                    )
                )
    MentorAssignment.objects.bulk_create(assignments)
    MonthlyReport.objects.bulk_create(reports)
    for item in requests:
        if item.status != "pending":
            item.decided_by = item.mentorship.mentor.user  # type: ignore[union-attr]
            item.decided_at = now - dt.timedelta(days=rng.randint(1, 30))
            if item.status == "declined":
                item.decision_reason = "Let's plan a smaller event first."
    SupportRequest.objects.bulk_create(requests)
    Recognition.objects.bulk_create(recognitions)
    comments = []
    for report in MonthlyReport.objects.filter(
        mentorship__program=program, reviewed_at__isnull=False
    ).select_related("reviewed_by"):
        if rng.random() < 0.6:
            comments.append(
                ReportComment(
                    report=report,
                    author=report.reviewed_by,
                    body="Great progress — let's talk about it on our call.",
                    created_at=report.reviewed_at or now,
                )
            )
    ReportComment.objects.bulk_create(comments)

    # Loads follow the live mentorships; the quiet mentor keeps their flag.
    for profile in profiles:
        profile.load = sum(
            1
            for ms in mentorships
            if ms.mentor_id == profile.pk
            and ms.status in ("assigned", "screening", "orientation", "active")
        )
    MentorProfile.objects.bulk_update(profiles, ["load", "last_activity_at", "inactive_flagged_at"])

    # Last year's feedback round, answered by most.
    rnd = ReviewRound.objects.create(
        program=program,
        year=today.year - 1,
        opened_at=now - dt.timedelta(days=300),
        closes_on=today - dt.timedelta(days=270),
    )
    reviews = []
    for ms in mentorships:
        if ms.status not in ("active", "ended") or ms.mentor is None:
            continue
        if ms.accepted_at and ms.accepted_at > rnd.opened_at:
            continue
        for direction, reviewer, reviewee in (
            ("of_mentee", ms.mentor.user, ms.mentee),
            ("of_mentor", ms.mentee, ms.mentor.user),
        ):
            answered = rng.random() < 0.8
            reviews.append(
                Review(
                    round=rnd,
                    mentorship=ms,
                    direction=direction,
                    reviewer=reviewer,
                    reviewee=reviewee,
                    strengths="Reliable and curious." if answered else "",
                    improve="Share progress earlier." if answered else "",
                    rating=rng.randint(3, 5) if answered else None,
                    submitted_at=rnd.opened_at + dt.timedelta(days=5) if answered else None,
                )
            )
    Review.objects.bulk_create(reviews)

    # Two people on their way to becoming mentors.
    candidates = [ms.mentee for ms in mentorships if ms.status == "ended"][:2]
    if candidates:
        MentorNomination.objects.create(
            program=program,
            nominee=candidates[0],
            nominated_by=profiles[0].user,
            kind=NominationKind.DIRECT,
            status=NominationStatus.REVIEW,
            statement="Graduated from mentoring and already coaches newcomers.",
            expertise="Community building",
            evaluator=profiles[0].user,
            is_recommended=True,
            training_done=list(range(len(cfg.training_items))),
        )
    if len(candidates) > 1:
        MentorNomination.objects.create(
            program=program,
            nominee=candidates[1],
            nominated_by=candidates[1],
            kind=NominationKind.SELF,
            status=NominationStatus.EVALUATION,
            statement="I would love to give back what I learned.",
            expertise="Translation",
        )
