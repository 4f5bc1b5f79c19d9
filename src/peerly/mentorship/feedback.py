"""Mentorship meetings as feedback occasions (programs/kinds.py `Occasion`, docs/feedback.md):
`report-<id>`, a submitted monthly report (the month's meetings), for the mentee and the
mentor."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from peerly.mentorship.models import MonthlyReport
from peerly.programs.kinds import Occasion

REF = re.compile(r"report-(\d{1,18})")


def ref_for(report: MonthlyReport) -> str:
    return f"report-{report.pk}"


def occasion(ref: str, *, user: Any) -> Occasion | None:
    match = REF.fullmatch(ref)
    if match is None or not getattr(user, "is_authenticated", False):
        return None
    report = (
        MonthlyReport.objects.filter(pk=int(match[1]))
        .filter(Q(mentorship__mentee=user) | Q(mentorship__mentor__user=user))
        .select_related("mentorship", "mentorship__program", "mentorship__mentor")
        .first()
    )
    if report is None:
        return None
    mentorship = report.mentorship
    people = {mentorship.mentee_id}
    if mentorship.mentor is not None:
        people.add(mentorship.mentor.user_id)
    label = _("Mentoring in %(month)s") % {"month": date_format(report.month, "F Y")}
    return Occasion(ref=ref, program=mentorship.program, label=label, people=tuple(sorted(people)))


def recent(*, since: dt.datetime, now: dt.datetime) -> list[Occasion]:
    """The monthly reports submitted between `since` and `now`, for the after-session
    invitations of the mentee and the mentor: one query."""
    reports = (
        MonthlyReport.objects.filter(submitted_at__gte=since, submitted_at__lte=now)
        .select_related("mentorship", "mentorship__program", "mentorship__mentor")
        .order_by("pk")
    )
    out = []
    for report in reports:
        mentorship = report.mentorship
        people = {mentorship.mentee_id}
        if mentorship.mentor is not None:
            people.add(mentorship.mentor.user_id)
        out.append(
            Occasion(
                ref=ref_for(report),
                program=mentorship.program,
                label=report.month.isoformat(),
                people=tuple(sorted(people)),
            )
        )
    return out
