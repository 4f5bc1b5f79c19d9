"""Periodic mentorship work for `peerly tick` (every few minutes). Idempotent: running it
twice in a row changes nothing the second time (each service re-checks under lock; email keys
are per event). Ticks only choose what is due: every write and every email is a service's."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.db.models import Q
from django.utils import timezone

from peerly.core.errors import TransitionError
from peerly.mentorship import selectors
from peerly.mentorship import services
from peerly.mentorship.models import RUNNING_STATUSES
from peerly.mentorship.models import SCREENING_STATUSES
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorshipStatus
from peerly.mentorship.models import MentorStatus
from peerly.mentorship.models import ReviewRound
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.programs.models import ProgramStatus


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
    base = Mentorship.objects.filter(program=program).select_related(
        "program", "mentee", "mentor__user"
    )

    # Screening: remind before the deadline, return to the organisers after it.
    soon = base.filter(
        status__in=SCREENING_STATUSES,
        screening_reminded_at__isnull=True,
        screening_due_at__gt=now,
        screening_due_at__lte=now + dt.timedelta(days=cfg.screening_reminder_days),
    )
    counts["screening_reminders"] = sum(
        services.remind_screening(mentorship=ms, now=now) for ms in soon
    )
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
    reminders = 0
    if not overdue:
        missing = base.filter(
            status=MentorshipStatus.ACTIVE,
            graduated_at__date__lt=services.first_of_month(today),
            enrollment__status="active",
        ).exclude(reports__month=month)
        reminders = sum(services.remind_report(mentorship=ms, month=month) for ms in missing)
    counts["report_reminders"] = reminders
    counts["reports_overdue"] = sum(
        services.flag_overdue_report(mentorship=ms, month=month)
        for ms in selectors.overdue_reports(program=program, today=today)
    )

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
        since = selectors.last_activity(profile)
        active_again += services.clear_inactive_flag(profile=profile, since=since)
    counts["mentors_flagged_inactive"] = inactive
    counts["mentors_active_again"] = active_again

    # Term: ask both before it ends; flag to organisers when it ended without renewal.
    ask = base.filter(
        status__in=RUNNING_STATUSES,
        term_ends_on__gte=today,
        term_ends_on__lte=today + dt.timedelta(days=cfg.term_notice_days),
    ).filter(Q(term_asked_for__isnull=True) | ~Q(term_asked_for=F("term_ends_on")))
    counts["term_asks"] = sum(services.ask_term(mentorship=ms) for ms in ask)
    ended = base.filter(status__in=RUNNING_STATUSES, term_ends_on__lt=today, reassignment_reason="")
    counts["terms_ended"] = sum(services.flag_term_ended(mentorship=ms, now=now) for ms in ended)

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
