"""Monthly reports and their comments, support requests, recognitions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.core.errors import ServiceError
from peerly.core.errors import TransitionError
from peerly.mentorship import emails
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MonthlyReport
from peerly.mentorship.models import Recognition
from peerly.mentorship.models import RecognitionKind
from peerly.mentorship.models import ReportComment
from peerly.mentorship.models import RequestKind
from peerly.mentorship.models import RequestStatus
from peerly.mentorship.models import SupportRequest
from peerly.mentorship.services._common import _is_party
from peerly.mentorship.services._common import _lock
from peerly.mentorship.services._common import _require_mentee_of
from peerly.mentorship.services._common import _require_mentor_of
from peerly.mentorship.services._common import _touch_mentor
from peerly.mentorship.services._common import current_time
from peerly.mentorship.services._common import finish
from peerly.mentorship.services._common import first_of_month
from peerly.mentorship.services._common import lock_for
from peerly.mentorship.services._common import required
from peerly.mentorship.services.goals import GoalProgress
from peerly.mentorship.services.goals import record_progress


@transaction.atomic
def file_report(
    *,
    actor: User,
    mentorship: Mentorship,
    month: dt.date,
    did: str,
    next_steps: str = "",
    blockers: str = "",
    goal_progress: Sequence[GoalProgress] = (),
) -> MonthlyReport:
    """The month's report; with `goal_progress`, a check-in on each shared goal it moves
    (growth's check-ins, `report` set), all saved together or not at all."""
    ms = lock_for(mentorship, "file_report")
    _require_mentee_of(actor, ms)
    did = required(did, "Please say what you did this month.", field="did")
    now = current_time()
    month = first_of_month(month)
    if month > first_of_month(timezone.localdate(now)):
        raise ServiceError(_("You cannot report on a month that has not started."), field="month")
    started = ms.accepted_at or ms.submitted_at
    if month < first_of_month(timezone.localdate(started)):
        raise ServiceError(_("That month is before your mentorship started."), field="month")
    if MonthlyReport.objects.filter(mentorship=ms, month=month).exists():
        raise ServiceError(
            _("You already filed the report for %(month)s.") % {"month": format(month, "%B %Y")},
            field="month",
        )
    report = MonthlyReport(
        mentorship=ms,
        month=month,
        did=did[:10000],
        next_steps=next_steps.strip()[:10000],
        blockers=blockers.strip()[:10000],
        submitted_at=now,
    )
    finish(
        report,
        actor=actor,
        action="mentorship.report",
        program_id=ms.program_id,
        data={"month": month.isoformat()},
    )
    record_progress(actor=actor, report=report, progress=goal_progress)
    if ms.mentor is not None:
        emails.report_filed(ms=ms, report=report, mentor=ms.mentor.user)
    return report


@transaction.atomic
def comment_on_report(*, actor: User, report: MonthlyReport, body: str) -> ReportComment:
    body = required(body, "Write a comment first.", field="body")
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    ms = _lock(report.mentorship)
    role = _is_party(actor, ms)
    if role is None:
        raise PermissionDenied(_("Only the mentee and the mentor can comment."))
    now = current_time()
    comment = ReportComment.objects.create(
        report=report, author=actor, body=body[:10000], created_at=now
    )
    first_review = role == "mentor" and report.reviewed_at is None
    if role == "mentor":
        if first_review:
            report.reviewed_at = now
            report.reviewed_by = actor
        _touch_mentor(ms.mentor, now)  # type: ignore[arg-type]
    finish(
        report,
        actor=actor,
        action="mentorship.report_comment",
        program_id=ms.program_id,
        fields=["reviewed_at", "reviewed_by"],
        save=first_review,
    )
    other = ms.mentee if role == "mentor" else (ms.mentor.user if ms.mentor else None)
    if other is not None:
        emails.report_comment(ms=ms, report=report, comment=comment, to=other)
    return comment


def remind_report(*, mentorship: Mentorship, month: dt.date) -> bool:
    """Remind the mentee that `month`'s report is due (for `tick`; once per month by key)."""
    return emails.report_reminder(ms=mentorship, month=month)


def flag_overdue_report(*, mentorship: Mentorship, month: dt.date) -> bool:
    """Tell mentee and mentor that `month`'s report is overdue (for `tick`; once by key)."""
    return emails.report_overdue(ms=mentorship, month=month)


def parse_amount(raw: Any) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("The amount must be a number."), field="amount") from None
    if value < 0 or value >= Decimal("100000000"):
        raise ServiceError(_("The amount must be between 0 and 99,999,999."), field="amount")
    return value


@transaction.atomic
def file_request(
    *, actor: User, mentorship: Mentorship, kind: str, amount: Any, justification: str
) -> SupportRequest:
    ms = lock_for(mentorship, "file_request")
    _require_mentee_of(actor, ms)
    if kind not in RequestKind.values:
        raise ServiceError(_("“%(kind)s” is not a kind of request.") % {"kind": kind}, field="kind")
    value = parse_amount(amount)
    if kind == RequestKind.BUDGET and not value:
        raise ServiceError(_("A budget request needs an amount."), field="amount")
    justification = required(justification, "Please justify the request.", field="justification")
    request = SupportRequest(
        mentorship=ms, kind=kind, amount=value, justification=justification[:5000]
    )
    finish(
        request,
        actor=actor,
        action="mentorship.request",
        program_id=ms.program_id,
        data={"kind": kind, "amount": str(value or "")},
    )
    if ms.mentor is not None:
        emails.request_filed(ms=ms, request=request, mentor=ms.mentor.user)
    return request


@transaction.atomic
def decide_request(
    *, actor: User, request: SupportRequest, validate: bool, reason: str = ""
) -> SupportRequest:
    request = SupportRequest.objects.select_for_update().get(pk=request.pk)
    ms = _lock(request.mentorship)
    profile = _require_mentor_of(actor, ms)
    if request.status != RequestStatus.PENDING:
        raise TransitionError(
            _("This request was already %(get_status_display)s.")
            % {"get_status_display": request.get_status_display().lower()}
        )
    reason = reason.strip()
    if not validate and not reason:
        raise ServiceError(_("Please give a reason: the mentee will read it."), field="reason")
    now = current_time()
    request.status = RequestStatus.VALIDATED if validate else RequestStatus.DECLINED
    request.decided_by = actor
    request.decided_at = now
    request.decision_reason = reason[:2000]
    _touch_mentor(profile, now)
    finish(
        request,
        actor=actor,
        action=f"mentorship.request_{request.status}",
        program_id=ms.program_id,
        reason=reason,
    )
    emails.request_decided(ms=ms, request=request)
    return request


@transaction.atomic
def recognise_mentee(*, actor: User, mentorship: Mentorship, kind: str, note: str) -> Recognition:
    ms = lock_for(mentorship, "recognise")
    profile = _require_mentor_of(actor, ms)
    if kind not in RecognitionKind.values:
        raise ServiceError(
            _("“%(kind)s” is not a kind of recognition.") % {"kind": kind}, field="kind"
        )
    note = required(note, "Tell the organisers why.", field="note")
    now = current_time()
    item = Recognition(mentorship=ms, kind=kind, note=note[:3000], created_by=actor, created_at=now)
    _touch_mentor(profile, now)
    finish(item, actor=actor, action=f"mentorship.{kind}", program_id=ms.program_id)
    emails.recognition(ms=ms, item=item, mentor=actor)
    return item
