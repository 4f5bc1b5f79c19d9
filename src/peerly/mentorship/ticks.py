"""Periodic mentorship work for `peerly tick` (every few minutes). Idempotent: running it
twice in a row changes nothing the second time (conditional updates and email keys)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q
from django.utils import timezone

from peerly.core.errors import TransitionError
from peerly.mentorship import selectors, services
from peerly.mentorship.models import (
    RUNNING_STATUSES,
    SCREENING_STATUSES,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    MentorStatus,
    ReviewRound,
)
from peerly.notifications.services import queue_email
from peerly.programs.models import Program, ProgramKind, ProgramStatus


def tick(*, now: dt.datetime) -> dict[str, int]:
    counts = {
        "screening_reminders": 0,
        "screenings_expired": 0,
        "report_reminders": 0,
        "reports_overdue": 0,
        "mentors_flagged_inactive": 0,
        "mentors_active_again": 0,
        "term_asks": 0,
        "terms_ended": 0,
        "review_rounds_opened": 0,
    }
    programs = Program.objects.filter(kind=ProgramKind.MENTORSHIP, status=ProgramStatus.ACTIVE)
    for program in programs:
        for key, value in tick_program(program=program, now=now).items():
            counts[key] += value
    return counts


def tick_program(*, program: Program, now: dt.datetime) -> dict[str, int]:
    cfg = services.get_settings(program)
    today = timezone.localdate(now)
    counts: dict[str, int] = {}
    base = Mentorship.objects.filter(program=program)

    # Screening: remind before the deadline, return to the organisers after it.
    reminded = 0
    soon = base.filter(
        status__in=SCREENING_STATUSES,
        screening_reminded_at__isnull=True,
        screening_due_at__gt=now,
        screening_due_at__lte=now + dt.timedelta(days=cfg.screening_reminder_days),
    )
    for ms in soon.select_related("mentor__user", "mentee"):
        if Mentorship.objects.filter(pk=ms.pk, screening_reminded_at__isnull=True).update(
            screening_reminded_at=now
        ):
            queue_email(
                key=f"mentorship-screening-reminder:{ms.pk}:{ms.assigned_at:%Y%m%d%H%M%S}",
                to=ms.mentor.user,  # type: ignore[union-attr]
                template="mentorship_screening_reminder",
                context={
                    "mentorship": ms,
                    "program": program,
                    "due": ms.screening_due_at,
                    "url": services._mentorship_url(ms),
                },
            )
            reminded += 1
    counts["screening_reminders"] = reminded
    expired = 0
    for ms in base.filter(status__in=SCREENING_STATUSES, screening_due_at__lte=now):
        try:
            if services.expire_screening(mentorship=ms, now=now) is not None:
                expired += 1
        except TransitionError:  # answered meanwhile
            continue
    counts["screenings_expired"] = expired

    # Monthly reports: remind at the start of the month, flag once overdue.
    month, overdue = selectors.report_due(today=today, cfg=cfg)
    start_of_this = services.first_of_month(today)
    reminders = 0
    if not overdue:
        missing = (
            base.filter(
                status=MentorshipStatus.ACTIVE,
                graduated_at__date__lt=start_of_this,
                enrollment__status="active",
            )
            .exclude(reports__month=month)
            .select_related("mentee")
        )
        for ms in missing:
            if queue_email(
                key=f"mentorship-report-reminder:{ms.pk}:{month:%Y-%m}",
                to=ms.mentee,
                template="mentorship_report_reminder",
                context={
                    "mentorship": ms,
                    "program": program,
                    "month": month,
                    "url": services._url("report-create", slug=program.slug, mentorship_id=ms.pk),
                },
            ):
                reminders += 1
    counts["report_reminders"] = reminders
    flagged = 0
    for ms in selectors.overdue_reports(program=program, today=today):
        url = services._mentorship_url(ms)
        for role, person in (("mentee", ms.mentee), ("mentor", ms.mentor.user)):  # type: ignore[union-attr]
            if queue_email(
                key=f"mentorship-report-overdue:{ms.pk}:{month:%Y-%m}:{role}",
                to=person,
                template="mentorship_report_overdue",
                context={
                    "mentorship": ms,
                    "program": program,
                    "month": month,
                    "for_mentee": role == "mentee",
                    "url": url,
                },
            ):
                flagged += role == "mentee"
    counts["reports_overdue"] = flagged

    # Inactive mentors (no login, no report reviewed, no decision) with mentees.
    cutoff = now - dt.timedelta(days=cfg.inactivity_days)
    inactive = active_again = 0
    mentors = MentorProfile.objects.filter(
        program=program, status=MentorStatus.ACTIVE
    ).select_related("user")
    for profile in mentors.filter(load__gt=0, inactive_flagged_at__isnull=True):
        since = selectors.last_activity(profile)
        if since < cutoff and services.flag_inactive_mentor(profile=profile, now=now, since=since):
            inactive += 1
    for profile in mentors.filter(inactive_flagged_at__isnull=False):
        if selectors.last_activity(profile) > profile.inactive_flagged_at:  # type: ignore[operator]
            active_again += MentorProfile.objects.filter(
                pk=profile.pk, inactive_flagged_at=profile.inactive_flagged_at
            ).update(inactive_flagged_at=None)
    counts["mentors_flagged_inactive"] = inactive
    counts["mentors_active_again"] = active_again

    # Term: ask both before it ends; flag to organisers when it ended without renewal.
    asks = 0
    ask = (
        base.filter(
            status__in=RUNNING_STATUSES,
            term_ends_on__gte=today,
            term_ends_on__lte=today + dt.timedelta(days=cfg.term_notice_days),
        )
        .filter(Q(term_asked_for__isnull=True) | ~Q(term_asked_for=F("term_ends_on")))
        .select_related("mentee", "mentor__user")
    )
    for ms in ask:
        if (
            not Mentorship.objects.filter(pk=ms.pk)
            .filter(Q(term_asked_for__isnull=True) | ~Q(term_asked_for=F("term_ends_on")))
            .update(term_asked_for=ms.term_ends_on)
        ):
            continue
        ms.term_asked_for = ms.term_ends_on
        for role, person in (("mentee", ms.mentee), ("mentor", ms.mentor.user)):  # type: ignore[union-attr]
            queue_email(
                key=f"mentorship-term:{ms.pk}:{ms.term_ends_on}:{role}",
                to=person,
                template="mentorship_term_ask",
                context={"mentorship": ms, "program": program, "url": services._mentorship_url(ms)},
            )
        asks += 1
    counts["term_asks"] = asks
    ended = 0
    for ms in base.filter(
        status__in=RUNNING_STATUSES, term_ends_on__lt=today, reassignment_reason=""
    ).select_related("mentee", "mentor__user"):
        reason = f"The term ended on {ms.term_ends_on:%d %B %Y} without renewal."
        if Mentorship.objects.filter(pk=ms.pk, reassignment_reason="").update(
            reassignment_reason=reason, reassignment_requested_at=now
        ):
            services._notify_organisers(
                program,
                key=f"mentorship-term-ended:{ms.pk}:{ms.term_ends_on}",
                template="mentorship_term_ended",
                context={
                    "mentorship": ms,
                    "url": services._url(
                        "manage-mentorship", slug=program.slug, mentorship_id=ms.pk
                    ),
                },
            )
            ended += 1
    counts["terms_ended"] = ended

    # Yearly feedback round.
    opened = 0
    if (
        today.month == cfg.review_month
        and not ReviewRound.objects.filter(program=program, year=today.year).exists()
    ):
        services.open_review_round(actor=None, program=program, now=now)
        opened = 1
    counts["review_rounds_opened"] = opened
    return counts
