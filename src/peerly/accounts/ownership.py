"""Members own their data: export everything Peerly holds about a member, delete the account.

Every model field that points at a user is listed once below, either in `EXPORTED_LINKS`
(which export section carries it) or in `EXCLUDED_LINKS` (and why it is left out). A test
introspects every model and fails when a new link to the user is in neither.

Export rule: what the member wrote, what is about them and what they can already read
(circle notes, comments on their reports, submitted reviews about them). Never other people's
private texts: somebody else's do-not-pair or known-people list naming them, a mentor's
recognition note to the organisers, a review that is still a draft.

Deletion rule (`delete_account`): texts only the member wrote about themselves go; shared
records stay with the other people's part, and the member shows as "Former member" (the User
row is anonymised, never deleted, so nobody else's history breaks).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peerly.accounts.models import MEMBER_PROFILE_FIELDS
from peerly.accounts.models import VISIBLE_FIELDS
from peerly.accounts.models import ApiToken
from peerly.accounts.models import AvailabilityWindow
from peerly.accounts.models import DoNotPair
from peerly.accounts.models import Profile
from peerly.accounts.models import User
from peerly.circles.models import Attendance
from peerly.circles.models import Block
from peerly.circles.models import CircleMember
from peerly.circles.models import KnownPerson
from peerly.circles.models import SlotVote
from peerly.core import audit
from peerly.core.models import AuditEvent
from peerly.feedback import ownership as feedback_ownership
from peerly.growth.models import ActionItem
from peerly.growth.models import DevelopmentPlan
from peerly.growth.models import Goal
from peerly.growth.models import JournalEntry
from peerly.growth.models import Swot
from peerly.growth.models import Vision
from peerly.mentorship import services as mentorship_services
from peerly.mentorship.models import OPEN_STATUSES
from peerly.mentorship.models import MentorNomination
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorStatus
from peerly.mentorship.models import MonthlyReport
from peerly.mentorship.models import NominationStatus
from peerly.mentorship.models import Recognition
from peerly.mentorship.models import ReportComment
from peerly.mentorship.models import Review
from peerly.mentorship.models import SupportRequest
from peerly.notifications.models import CalendarFeed
from peerly.notifications.models import OutboundEmail
from peerly.programs import services as program_services
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Invitation
from peerly.programs.models import Program
from peerly.recognition import ownership as recognition_ownership
from peerly.recognition import services as recognition_services
from peerly.resources import ownership as resources_ownership
from peerly.rounds.models import GroupMember
from peerly.rounds.models import LearnNote
from peerly.rounds.models import RoundChoice
from peerly.rounds.models import UnmatchedMember

FORMER_MEMBER = "Former member"
PLACEHOLDER_DOMAIN = "deleted.peerly.invalid"  # .invalid is reserved: mail never leaves

# "<app_label>.<model>.<field>" -> export section that carries it.
EXPORTED_LINKS: dict[str, str] = {
    "accounts.profile.user": "profile",
    "accounts.donotpair.owner": "do_not_pair",
    "core.auditevent.actor": "audit",
    "notifications.outboundemail.user": "emails",
    "notifications.emailoptout.user": "email_opt_outs",
    "programs.program.organisers": "organised_programmes",
    "programs.enrollment.user": "enrollments",
    "programs.invitation.invited_by": "invitations_sent",
    "circles.circlemember.user": "circles",
    "circles.slotvote.user": "circle_slot_votes",
    "circles.block.coachee": "circle_blocks",
    "circles.block.coach": "circle_blocks",
    "circles.block.note_taker": "circle_blocks",
    "circles.block.updated_by": "circle_blocks",
    "growth.actionitem.owner": "action_items",
    "circles.attendance.user": "circle_attendance",
    "circles.knownperson.owner": "known_people",
    "rounds.roundgroup.proposed_by": "coffee_matches",
    "rounds.groupmember.user": "coffee_matches",
    "rounds.unmatchedmember.user": "coffee_unmatched",
    "rounds.roundchoice.user": "coffee_choices",
    "rounds.learnnote.user": "coffee_learn_notes",
    "mentorship.mentorprofile.user": "mentor_profiles",
    "mentorship.mentornomination.nominee": "nominations",
    "mentorship.mentornomination.nominated_by": "nominations",
    "mentorship.mentornomination.evaluator": "nominations",
    "mentorship.mentorship.mentee": "mentorships",
    "mentorship.reportcomment.author": "report_comments",
    "mentorship.recognition.created_by": "recognitions_written",
    "mentorship.review.reviewer": "reviews_written",
    "mentorship.review.reviewee": "reviews_received",
    "growth.goal.owner": "goals",
    "growth.journalentry.owner": "journal",
    "growth.swot.owner": "swots",
    "growth.developmentplan.owner": "development_plans",
    "growth.vision.owner": "vision",
    "feedback.response.respondent": "survey_answers",
    "feedback.receipt.user": "surveys_answered",
    "feedback.peerfeedback.author": "feedback_given",
    "feedback.peerfeedback.recipient": "feedback_received",
    **recognition_ownership.EXPORTED_LINKS,
    **resources_ownership.EXPORTED_LINKS,
}

# "<app_label>.<model>.<field>" -> why it is not exported.
EXCLUDED_LINKS: dict[str, str] = {
    "accounts.donotpair.other": "another member's private do-not-pair list; never shown to "
    "the person on it",
    "circles.knownperson.other": "another member's private known-people list",
    "programs.enrollment.decided_by": "an organiser's decision on another member's enrolment "
    "(the organiser's own audit rows are exported)",
    "circles.season.published_by": "an organiser's action on a programme (in their audit rows)",
    "rounds.round.published_by": "an organiser's action on a programme (in their audit rows)",
    "core.job.created_by": "who pressed Publish: a progress row for the organisers' page (the "
    "publish itself is in their audit rows)",
    "mentorship.mentornomination.decided_by": "an organiser's decision on another member's "
    "nomination (in their audit rows)",
    "mentorship.mentorassignment.assigned_by": "an organiser's action on another member's "
    "mentorship (in their audit rows)",
    "mentorship.monthlyreport.reviewed_by": "the mentor's 'reviewed' mark on the mentee's "
    "report; the mentor's comments are exported as report_comments",
    "mentorship.supportrequest.decided_by": "a mentor's decision on the mentee's request; the "
    "request is the mentee's record",
    "feedback.survey.created_by": "an organiser's action on a programme (in their audit rows)",
    "evaluation.target.created_by": "an organiser's action on a programme (in their audit rows)",
    "notifications.calendarfeed.user": "a secret (the hash of a calendar feed token); deleted "
    "with the account",
    "accounts.apitoken.user": "API tokens are credentials: secrets are never exported (only "
    "their hash is stored); deleted with the account",
    **recognition_ownership.EXCLUDED_LINKS,
}


# ----------------------------------------------------------------------------- export
def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj: models.Model, fields: tuple[str, ...], **extra: Any) -> dict[str, Any]:
    row = {name: _plain(getattr(obj, name)) for name in fields}
    row.update({k: _plain(v) for k, v in extra.items()})
    return row


def _name(user: User | None) -> str:
    return user.name if user is not None else ""


BLOCK_NOTES = Block.NOTE_FIELDS


def export_user_data(*, user: User) -> dict[str, Any]:
    """Everything Peerly holds about `user` that `user` may read, as plain JSON values."""
    me = user.pk
    profile = Profile.objects.filter(user=user).first()
    data: dict[str, Any] = {
        "format": "peerly-export/1",
        "exported_at": timezone.now().isoformat(),
        "account": _row(
            user,
            ("id", "email", "display_name", "is_active", "is_staff"),
            date_joined=user.date_joined,
            email_confirmed_at=user.email_confirmed_at,
            last_login=user.last_login,
        ),
    }
    data["profile"] = (
        [
            _row(
                profile,
                (*MEMBER_PROFILE_FIELDS, "paused_until", "created_at", "updated_at"),
                visibility={name: profile.visibility_of(name) for name in VISIBLE_FIELDS},
            )
        ]
        if profile
        else []
    )
    data["availability"] = [
        _row(w, ("weekday", "start_minute", "end_minute"), label=str(w))
        for w in AvailabilityWindow.objects.filter(profile__user=user)
    ]
    data["do_not_pair"] = [
        _row(d, ("created_at",), other_id=d.other_id, other_name=_name(d.other))
        for d in DoNotPair.objects.filter(owner=user).select_related("other")
    ]
    data["organised_programmes"] = [
        _row(p, ("slug", "name", "kind")) for p in Program.objects.filter(organisers=user)
    ]
    data["enrollments"] = [
        _row(
            e,
            (
                "role",
                "status",
                "answers",
                "agreement_accepted_at",
                "joined_at",
                "left_at",
                "paused_until",
                "decline_reason",
                "decided_at",
                "created_at",
            ),
            program=e.program.slug,
            questions={str(q.pk): q.label for q in e.program.questions.all()},
        )
        for e in Enrollment.objects.filter(user=user)
        .select_related("program")
        .prefetch_related("program__questions")
    ]
    data["invitations_received"] = [
        _row(i, ("role", "created_at", "accepted_at", "revoked_at"), program=i.program.slug)
        for i in Invitation.objects.filter(email__iexact=user.email).select_related("program")
    ]
    data["invitations_sent"] = [
        _row(
            i, ("email", "role", "created_at", "accepted_at", "revoked_at"), program=i.program.slug
        )
        for i in Invitation.objects.filter(invited_by=user).select_related("program")
    ]
    data.update(_circles_part(user))
    data.update(_rounds_part(user))
    data.update(_mentorship_part(user))
    data["goals"] = _goals_part(user)
    data.update(_growth_part(user))
    data.update(recognition_ownership.export_part(user))
    data.update(resources_ownership.export_part(user))
    data["emails"] = [
        _row(m, ("key", "to_email", "subject", "body_text", "created_at", "sent_at"))
        for m in OutboundEmail.objects.filter(user=user).order_by("created_at", "pk")
    ]
    data["email_opt_outs"] = [
        _row(o, ("category", "created_at")) for o in _opt_outs().filter(user=user)
    ]
    own_objects = Q(object_type="accounts.user", object_id=str(me))
    if profile is not None:
        own_objects |= Q(object_type="accounts.profile", object_id=str(profile.pk))
    data["audit"] = [
        _row(
            a,
            ("action", "object_type", "object_id", "program_id", "reason", "created_at"),
            by_me=a.actor_id == me,
            data=a.data if a.actor_id == me else {},
        )
        for a in AuditEvent.objects.filter(Q(actor=user) | own_objects).order_by("created_at", "pk")
    ]
    data.update(feedback_ownership.export_part(user))
    return data


def _goals_part(user: User) -> list[dict[str, Any]]:
    goals = Goal.objects.filter(owner=user).select_related("program")
    return [
        _row(
            g,
            (
                "title",
                "why",
                "measure",
                "target_on",
                "horizon",
                "progress_mode",
                "percent",
                "status",
                "dropped_reason",
                "closed_at",
                "created_at",
                "updated_at",
            ),
            program=g.program.slug if g.program else None,
            milestones=[
                _row(m, ("title", "due_on", "done_at", "created_at")) for m in g.milestones.all()
            ],
            check_ins=[
                _row(c, ("created_at", "moved", "blocked", "progress")) for c in g.check_ins.all()
            ],
        )
        for g in goals.prefetch_related("milestones", "check_ins")
    ]


def _growth_part(user: User) -> dict[str, Any]:
    """The rest of the growth space: journal, SWOT versions, development plans, vision."""
    journal_fields = ("written_on", "title", "text", "happened", "learned", "differently")
    plan_fields = ("title", "starts_on", "ends_on", "focus_areas", "learning", "support")
    vision = Vision.objects.filter(owner=user).first()
    return {
        "journal": [
            _row(
                e,
                (*journal_fields, "tags", "created_at", "updated_at"),
                goal_id=e.goal_id,
                circle_session_id=e.circle_session_id,
                coffee_group_id=e.coffee_group_id,
            )
            for e in JournalEntry.objects.filter(owner=user).order_by("written_on", "pk")
        ],
        "swots": [
            _row(s, ("label", *Swot.LISTS, "created_at", "updated_at"))
            for s in Swot.objects.filter(owner=user).order_by("created_at", "pk")
        ],
        "development_plans": [
            _row(
                p,
                (*plan_fields, "review_on", "created_at", "updated_at"),
                goal_ids=sorted(g.pk for g in p.goals.all()),
            )
            for p in DevelopmentPlan.objects.filter(owner=user)
            .order_by("starts_on", "pk")
            .prefetch_related("goals")
        ],
        "vision": (
            _row(vision, ("statement", "qualities", "updated_at", "reviewed_at"))
            if vision is not None
            else None
        ),
    }


def _opt_outs() -> models.QuerySet[Any]:
    """Email opt-outs (notifications app; looked up by name so the export never breaks)."""
    try:
        return apps.get_model("notifications", "EmailOptOut").objects.all()
    except LookupError:  # pragma: no cover - older trees
        return AuditEvent.objects.none()


def _circles_part(user: User) -> dict[str, list[dict[str, Any]]]:
    memberships = (
        CircleMember.objects.filter(user=user)
        .select_related("circle", "circle__program", "season")
        .prefetch_related("circle__memberships__user")
    )
    blocks = (
        Block.objects.filter(
            Q(coachee=user) | Q(coach=user) | Q(note_taker=user) | Q(updated_by=user)
        )
        .select_related("session__circle__program", "coachee", "coach", "note_taker")
        .order_by("session__starts_at", "position")
    )
    return {
        "circles": [
            _row(
                m,
                ("position", "voted_at"),
                program=m.circle.program.slug,
                season=m.season.number,
                circle=m.circle.number,
                co_members=[
                    _name(o.user) for o in m.circle.memberships.all() if o.user_id != user.pk
                ],
            )
            for m in memberships
        ],
        "circle_slot_votes": [
            _row(v, (), circle_id=v.option.circle_id, starts_at=v.option.first_start_at)
            for v in SlotVote.objects.filter(user=user).select_related("option")
        ],
        "circle_blocks": [
            _row(
                b,
                (*BLOCK_NOTES, "updated_at"),
                program=b.session.circle.program.slug,
                circle=b.session.circle.number,
                session=b.session.number,
                session_starts_at=b.session.starts_at,
                coachee=_name(b.coachee),
                coach=_name(b.coach),
                note_taker=_name(b.note_taker),
                my_roles=[
                    role
                    for role, uid in (
                        ("coachee", b.coachee_id),
                        ("coach", b.coach_id),
                        ("note_taker", b.note_taker_id),
                    )
                    if uid == user.pk
                ],
            )
            for b in blocks
        ],
        "action_items": [
            _row(
                a,
                ("text", "due_on", "status", "closed_at", "created_at", "updated_at"),
                circle_id=a.circle_id,
                mentorship_id=a.mentorship_id,
                goal_id=a.goal_id,
            )
            for a in ActionItem.objects.filter(owner=user)
        ],
        "circle_attendance": [
            _row(a, ("status",), session_id=a.session_id, starts_at=a.session.starts_at)
            for a in Attendance.objects.filter(user=user).select_related("session")
        ],
        "known_people": [
            _row(k, ("created_at",), program_id=k.program_id, other_name=_name(k.other))
            for k in KnownPerson.objects.filter(owner=user).select_related("other")
        ],
    }


def _rounds_part(user: User) -> dict[str, list[dict[str, Any]]]:
    members = (
        GroupMember.objects.filter(user=user)
        .select_related("group", "round", "round__program")
        .prefetch_related("group__members__user")
    )
    return {
        "coffee_matches": [
            _row(
                m,
                ("answer", "rating", "knew_before", "answered_at", "paused_after"),
                program=m.round.program.slug,
                round=m.round.number,
                group=m.group.number,
                confirmed_start=m.group.confirmed_start,
                proposed_start=m.group.proposed_start,
                proposed_by_me=m.group.proposed_by_id == user.pk,
                group_members=[
                    _name(o.user) for o in m.group.members.all() if o.user_id != user.pk
                ],
            )
            for m in members
        ],
        "coffee_unmatched": [
            _row(u, ("reason", "detail"), program_id=u.round.program_id, round=u.round.number)
            for u in UnmatchedMember.objects.filter(user=user).select_related("round")
        ],
        "coffee_choices": [
            _row(c, ("number", "choice", "created_at"), program_id=c.program_id)
            for c in RoundChoice.objects.filter(user=user)
        ],
        "coffee_learn_notes": [
            _row(n, ("text", "created_at", "updated_at"), program_id=n.program_id)
            for n in LearnNote.objects.filter(user=user)
        ],
    }


def _mentorship_part(user: User) -> dict[str, list[dict[str, Any]]]:
    mine = Mentorship.objects.filter(mentee=user).select_related("program", "mentor__user")
    reports = MonthlyReport.objects.filter(mentorship__mentee=user).order_by("month")
    return {
        "mentor_profiles": [
            _row(
                p,
                (
                    "expertise",
                    "languages",
                    "capacity",
                    "is_accepting",
                    "status",
                    "approved_at",
                    "resigned_at",
                    "resignation_reason",
                    "created_at",
                ),
                program=p.program.slug,
                mentees=[
                    _row(
                        ms,
                        ("status", "submitted_at", "accepted_at", "ended_at"),
                        mentee=_name(ms.mentee),
                    )
                    for ms in p.mentorships.all()
                ],
            )
            for p in MentorProfile.objects.filter(user=user)
            .select_related("program")
            .prefetch_related("mentorships__mentee")
        ],
        "nominations": [
            _row(
                n,
                ("kind", "status", "statement", "expertise", "is_recommended", "created_at"),
                program=n.program.slug,
                nominee=_name(n.nominee),
                nominated_by=_name(n.nominated_by),
                evaluator=_name(n.evaluator),
                # The evaluation is shown to the nominee and written by the evaluator.
                evaluation=n.evaluation if user.pk in (n.nominee_id, n.evaluator_id) else "",
                decision_reason=n.decision_reason if n.nominee_id == user.pk else "",
            )
            for n in MentorNomination.objects.filter(
                Q(nominee=user) | Q(nominated_by=user) | Q(evaluator=user)
            ).select_related("program", "nominee", "nominated_by", "evaluator")
        ],
        "mentorships": [
            _row(
                ms,
                (
                    "status",
                    "goals",
                    "wants",
                    "submitted_at",
                    "accepted_at",
                    "graduated_at",
                    "ended_at",
                    "closing_reason",
                    "orientation",
                    "term_ends_on",
                    "mentee_term_choice",
                ),
                program=ms.program.slug,
                mentor=_name(ms.mentor.user) if ms.mentor else "",
            )
            for ms in mine
        ],
        "monthly_reports": [
            _row(
                r,
                ("month", "did", "next_steps", "blockers", "submitted_at", "reviewed_at"),
                mentorship_id=r.mentorship_id,
            )
            for r in reports
        ],
        # Comments on my reports (mine and my mentor's: I read them on the report page) and
        # comments I wrote on my mentees' reports.
        "report_comments": [
            _row(
                c,
                ("body", "created_at"),
                report_id=c.report_id,
                author=_name(c.author),
                by_me=c.author_id == user.pk,
            )
            for c in ReportComment.objects.filter(
                Q(report__mentorship__mentee=user) | Q(author=user)
            )
            .select_related("author")
            .order_by("created_at", "pk")
        ],
        "support_requests": [
            _row(
                s,
                (
                    "kind",
                    "amount",
                    "justification",
                    "status",
                    "decided_at",
                    "decision_reason",
                    "created_at",
                ),
                mentorship_id=s.mentorship_id,
            )
            for s in SupportRequest.objects.filter(mentorship__mentee=user)
        ],
        # Recognitions *about* the member are the mentor's word to the organisers: not theirs.
        "recognitions_written": [
            _row(r, ("kind", "note", "created_at"), mentee=_name(r.mentorship.mentee))
            for r in Recognition.objects.filter(created_by=user).select_related(
                "mentorship__mentee"
            )
        ],
        "reviews_written": [
            _row(
                r,
                ("direction", "strengths", "improve", "rating", "submitted_at"),
                year=r.round.year,
                reviewee=_name(r.reviewee),
            )
            for r in Review.objects.filter(reviewer=user).select_related("round", "reviewee")
        ],
        # Drafts about the member stay the reviewer's until submitted.
        "reviews_received": [
            _row(
                r,
                ("direction", "strengths", "improve", "rating", "submitted_at"),
                year=r.round.year,
                reviewer=_name(r.reviewer),
            )
            for r in Review.objects.filter(
                reviewee=user, submitted_at__isnull=False
            ).select_related("round", "reviewer")
        ],
    }


def _csv(rows: list[dict[str, Any]]) -> str:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                for k, v in row.items()
            }
        )
    return out.getvalue()


def export_zip(*, user: User) -> bytes:
    """One download: `peerly-data.json` (everything) plus one CSV per section."""
    data = export_user_data(user=user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("peerly-data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for name, value in data.items():
            if name == "account":
                archive.writestr("account.csv", _csv([value]))
            elif isinstance(value, list):
                archive.writestr(f"{name}.csv", _csv(value))
    return buffer.getvalue()


@transaction.atomic
def record_export(*, user: User) -> None:
    audit.record(actor=user, action="user.export", obj=user)


# ----------------------------------------------------------------------------- deletion
def placeholder_email(user_id: int) -> str:
    return f"deleted-{user_id}@{PLACEHOLDER_DOMAIN}"


def is_former_member(user: User) -> bool:
    return user.email == placeholder_email(user.pk)


REASON = "Account deleted by the member"

# Texts the member wrote about themselves that deletion empties (the rows stay for the
# others in them): (count key, model, lookup naming the member, the text fields emptied).
BLANKED_TEXTS: tuple[tuple[str, type[models.Model], str, tuple[str, ...]], ...] = (
    ("monthly_reports", MonthlyReport, "mentorship__mentee", ("did", "next_steps", "blockers")),
    ("mentorships", Mentorship, "mentee", ("goals", "wants")),
    ("support_requests", SupportRequest, "mentorship__mentee", ("justification",)),
    ("nominations", MentorNomination, "nominee", ("statement", "expertise", "evaluation")),
)


@transaction.atomic
def delete_account(*, user: User) -> dict[str, int]:
    """Anonymise `user` and remove what only they wrote about themselves. Idempotent.

    Open mentorships are withdrawn/ended and mentor roles resigned through the mentorship
    services first (so mentors and organisers hear about it and capacities stay right).
    Returns counts of what was removed; the audit row holds those counts, no personal data.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if is_former_member(user):
        return {}
    counts: dict[str, int] = {}
    original_email = user.email

    # 1. The row stays (others' history points at it) but is nobody any more, first: every
    # notification the steps below send already says "Former member".
    user.email = placeholder_email(user.pk)
    user.display_name = FORMER_MEMBER
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.email_confirmed_at = None
    user.set_unusable_password()  # also ends every other session of this account
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    Program.organisers.through.objects.filter(user_id=user.pk).delete()

    # 2. Close what is running, through the owning services.
    for ms in Mentorship.objects.filter(mentee=user, status__in=OPEN_STATUSES):
        if ms.status in mentorship_services.TRANSITIONS["withdraw"]:
            mentorship_services.withdraw_application(actor=user, mentorship=ms, reason=REASON)
        else:
            mentorship_services.end_mentorship(actor=user, mentorship=ms, reason=REASON)
    for profile in MentorProfile.objects.filter(user=user, status=MentorStatus.ACTIVE):
        mentorship_services.resign_mentor(actor=user, profile=profile, reason=REASON)
    for nom in MentorNomination.objects.filter(
        nominee=user,
        status__in=[
            NominationStatus.EVALUATION,
            NominationStatus.TRAINING,
            NominationStatus.REVIEW,
        ],
    ):
        mentorship_services.withdraw_nomination(actor=user, nomination=nom)
    live = (EnrollmentStatus.APPLIED, EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED)
    for enrollment in Enrollment.objects.filter(user=user, status__in=live):
        program_services.leave_program(user=user, enrollment=enrollment, reason=REASON)

    # 3. Texts only the member wrote about themselves, and their private lists.
    def wipe(key: str, qs: models.QuerySet[Any], **values: Any) -> None:
        counts[key] = qs.update(**values)

    def drop(key: str, qs: models.QuerySet[Any]) -> None:
        counts[key] = qs.delete()[0]

    drop("availability", AvailabilityWindow.objects.filter(profile__user=user))
    drop("do_not_pair", DoNotPair.objects.filter(owner=user))
    drop("api_tokens", ApiToken.objects.filter(user=user))
    drop("calendar_feed", CalendarFeed.objects.filter(user=user))
    drop("known_people", KnownPerson.objects.filter(owner=user))
    drop("coffee_choices", RoundChoice.objects.filter(user=user))
    drop("coffee_learn_notes", LearnNote.objects.filter(user=user))
    drop("slot_votes", SlotVote.objects.filter(user=user))
    drop("action_items", ActionItem.objects.filter(owner=user))
    drop("goals", Goal.objects.filter(owner=user))
    drop("journal", JournalEntry.objects.filter(owner=user))
    drop("swots", Swot.objects.filter(owner=user))
    drop("development_plans", DevelopmentPlan.objects.filter(owner=user))
    drop("vision", Vision.objects.filter(owner=user))
    counts.update(
        {f"recognition_{k}": v for k, v in recognition_services.forget_member(user=user).items()}
    )
    drop("report_comments", ReportComment.objects.filter(author=user))
    drop("draft_reviews", Review.objects.filter(reviewer=user, submitted_at__isnull=True))
    drop("email_opt_outs", _opt_outs().filter(user=user))
    drop("unsent_emails", OutboundEmail.objects.filter(user=user, sent_at__isnull=True))
    wipe(
        "emails",
        OutboundEmail.objects.filter(user=user),
        to_email=placeholder_email(user.pk),
        subject="",
        body_text="",
        body_html="",
        attachments=[],
    )
    wipe("enrollments", Enrollment.objects.filter(user=user), answers={})
    counts.update(feedback_ownership.forget(user))
    for key, model, lookup, fields in BLANKED_TEXTS:
        wipe(key, model._default_manager.filter(**{lookup: user}), **dict.fromkeys(fields, ""))
    wipe(
        "mentor_profiles",
        MentorProfile.objects.filter(user=user),
        expertise="",
        languages="",
        resignation_reason="",
        is_accepting=False,
    )
    wipe(
        "invitations",
        Invitation.objects.filter(email__iexact=original_email, accepted_at__isnull=False),
        email=placeholder_email(user.pk),
    )
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "pronouns": "",
            "bio": "",
            "team": "",
            "location": "",
            "timezone": "UTC",
            "languages": "",
            "skills": "",
            "interests": "",
            "offers": "",
            "wants_to_learn": "",
            "channels": [],
            "paused_until": None,
            "field_visibility": {},
        },
    )

    audit.record(
        actor=None,
        action="user.delete_account",
        obj=user,
        data={k: v for k, v in counts.items() if v},
    )
    return counts
