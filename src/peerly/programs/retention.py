"""Retention of private texts: organisers choose per programme how long they are kept.

`Program.private_text_retention_days` (empty = keep) applies to the texts only the people
involved read: circle session notes (by the session's start), monthly reports and comments on
them, support-request justifications, recognition notes and reviews (by when they were
written). `purge_private_texts` runs from `peerly tick`: texts are blanked (the rows stay, so
report counts, ratings and attendance figures do not change), comments are deleted. Running it
twice changes nothing the second time; each programme with something purged gets one audit
row with the counts.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from peerly.circles.models import Block
from peerly.core import audit
from peerly.mentorship.models import MonthlyReport
from peerly.mentorship.models import Recognition
from peerly.mentorship.models import ReportComment
from peerly.mentorship.models import Review
from peerly.mentorship.models import SupportRequest
from peerly.programs.models import Program

_NOT_BLANK_NOTES = Q()
for _name in Block.NOTE_FIELDS:
    _NOT_BLANK_NOTES |= ~Q(**{_name: ""})


@transaction.atomic
def purge_program(*, program: Program, now: dt.datetime) -> dict[str, int]:
    """Blank or delete this programme's private texts older than its retention period."""
    days = program.private_text_retention_days
    if not days:
        return {}
    cutoff = now - dt.timedelta(days=days)
    counts = {
        "session_notes": Block.objects.filter(
            _NOT_BLANK_NOTES, session__circle__program=program, session__starts_at__lt=cutoff
        ).update(**dict.fromkeys(Block.NOTE_FIELDS, "")),
        "reports": MonthlyReport.objects.filter(
            ~Q(did="") | ~Q(next_steps="") | ~Q(blockers=""),
            mentorship__program=program,
            created_at__lt=cutoff,
        ).update(did="", next_steps="", blockers=""),
        "report_comments": ReportComment.objects.filter(
            report__mentorship__program=program, created_at__lt=cutoff
        ).delete()[0],
        "request_justifications": SupportRequest.objects.filter(
            mentorship__program=program, created_at__lt=cutoff
        )
        .exclude(justification="")
        .update(justification=""),
        "recognition_notes": Recognition.objects.filter(
            mentorship__program=program, created_at__lt=cutoff
        )
        .exclude(note="")
        .update(note=""),
        "reviews": Review.objects.filter(
            ~Q(strengths="") | ~Q(improve=""),
            Q(submitted_at__lt=cutoff) | Q(submitted_at__isnull=True, round__opened_at__lt=cutoff),
            round__program=program,
        ).update(strengths="", improve=""),
    }
    counts = {k: v for k, v in counts.items() if v}
    if counts:
        audit.record(
            actor=None,
            action="program.retention_purge",
            obj=program,
            data={"days": days, "cutoff": cutoff.isoformat(), **counts},
        )
    return counts


def purge_private_texts(*, now: dt.datetime) -> dict[str, int]:
    """Every programme with a retention period, one transaction each (for `peerly tick`)."""
    totals: dict[str, int] = {}
    for program in Program.objects.filter(private_text_retention_days__isnull=False):
        for key, value in purge_program(program=program, now=now).items():
            totals[key] = totals.get(key, 0) + value
    return totals
