"""Permission-scoped reads for mentorship.

Mentors see only their own (current) mentees; mentees see their own mentorship; organisers
see applications, metadata and aggregates — never report text, request justifications or
review text. Anyone else gets a 404 for someone else's mentorship.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from dataclasses import field
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Avg
from django.db.models import Count
from django.db.models import F
from django.db.models import Max
from django.db.models import Model
from django.db.models import Prefetch
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.core.aggregates import MIN_PEOPLE
from peerly.core.aggregates import shown
from peerly.growth import selectors as growth_selectors
from peerly.growth.models import CheckIn
from peerly.growth.models import Goal
from peerly.growth.models import GoalStatus
from peerly.growth.models import Vision
from peerly.mentorship.models import LOAD_STATUSES
from peerly.mentorship.models import OPEN_STATUSES
from peerly.mentorship.models import RUNNING_STATUSES
from peerly.mentorship.models import MentorNomination
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorshipSettings
from peerly.mentorship.models import MentorshipStatus
from peerly.mentorship.models import MentorStatus
from peerly.mentorship.models import MonthlyReport
from peerly.mentorship.models import NominationStatus
from peerly.mentorship.models import Recognition
from peerly.mentorship.models import RequestStatus
from peerly.mentorship.models import Review
from peerly.mentorship.models import ReviewRound
from peerly.mentorship.models import SupportRequest
from peerly.mentorship.services import first_of_month
from peerly.mentorship.services import get_settings
from peerly.mentorship.services import previous_month
from peerly.programs.access import AccessResult
from peerly.programs.access import is_organiser as is_organiser
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program

M = MentorshipStatus
T = TypeVar("T", bound=Model)


def get_mentor_profile(*, user: User, program: Program) -> MentorProfile | None:
    """The user's active mentor profile in this programme, if they are a mentor."""
    if not user.is_authenticated:
        return None
    return (
        MentorProfile.objects.filter(program=program, user=user, status=MentorStatus.ACTIVE)
        .select_related("user", "user__profile")
        .first()
    )


def get_own_mentor_profile(*, user: User, program: Program) -> MentorProfile:
    profile = get_mentor_profile(user=user, program=program)
    if profile is None:
        raise PermissionDenied(_("Only mentors of this programme can open this page."))
    return profile


def get_current_mentorship(*, user: User, program: Program) -> Mentorship | None:
    """The mentee's open mentorship, else the latest closed one."""
    qs = Mentorship.objects.filter(program=program, mentee=user).select_related(
        "mentor", "mentor__user", "mentor__user__profile"
    )
    return qs.filter(status__in=OPEN_STATUSES).first() or qs.order_by("-submitted_at").first()


def _party_filter(user: User, via: str = "") -> Q:
    """The mentee or the current mentor (of the mentorship reached through `via`)."""
    return Q(**{f"{via}mentee": user}) | Q(**{f"{via}mentor__user": user})


def _first_or_404(queryset: QuerySet[T], message: str) -> T:
    """The first row of a permission-scoped queryset, or a 404 saying what was not found."""
    found = queryset.first()
    if found is None:
        raise Http404(message)
    return found


def get_mentorship_for_user(*, user: User, program: Program, mentorship_id: int) -> Mentorship:
    """For the mentee and the current mentor only (404 for everyone else, organisers too)."""
    return _first_or_404(
        Mentorship.objects.filter(program=program, pk=mentorship_id)
        .filter(_party_filter(user))
        .select_related(
            "mentee",
            "mentee__profile",
            "mentor",
            "mentor__user",
            "mentor__user__profile",
            "program",
            "enrollment",
        ),
        "No such mentorship.",
    )


def get_mentorship_for_organiser(*, user: User, program: Program, mentorship_id: int) -> Mentorship:
    if not is_organiser(user, program):
        raise PermissionDenied
    return _first_or_404(
        Mentorship.objects.filter(program=program, pk=mentorship_id).select_related(
            "mentee", "mentee__profile", "mentor", "mentor__user", "enrollment"
        ),
        "No such mentorship.",
    )


def get_report_for_user(*, user: User, program: Program, report_id: int) -> MonthlyReport:
    return _first_or_404(
        MonthlyReport.objects.filter(mentorship__program=program, pk=report_id)
        .filter(_party_filter(user, via="mentorship__"))
        .select_related(
            "mentorship", "mentorship__mentee", "mentorship__mentor__user", "mentorship__program"
        ),
        "No such report.",
    )


def get_request_for_user(*, user: User, program: Program, request_id: int) -> SupportRequest:
    return _first_or_404(
        SupportRequest.objects.filter(mentorship__program=program, pk=request_id)
        .filter(_party_filter(user, via="mentorship__"))
        .select_related("mentorship", "mentorship__mentor"),
        "No such request.",
    )


def get_nomination_for_user(
    *, user: User, program: Program, nomination_id: int
) -> MentorNomination:
    """Nominee, nominator, mentors (who may evaluate) and organisers."""
    nom = _first_or_404(
        MentorNomination.objects.filter(program=program, pk=nomination_id).select_related(
            "nominee", "nominated_by", "evaluator", "decided_by"
        ),
        "No such nomination.",
    )
    if user.pk in (nom.nominee_id, nom.nominated_by_id, nom.evaluator_id):
        return nom
    if is_organiser(user, program) or get_mentor_profile(user=user, program=program):
        return nom
    raise Http404("No such nomination.")


def get_review_for_reviewer(*, user: User, program: Program, review_id: int) -> Review:
    return _first_or_404(
        Review.objects.filter(round__program=program, pk=review_id, reviewer=user).select_related(
            "round", "reviewee", "mentorship"
        ),
        "No such review.",
    )


def list_reviews_for_user(*, user: User, program: Program) -> dict[str, list[Review]]:
    """Reviews I write (any state) and reviews about me (submitted only)."""
    base = Review.objects.filter(round__program=program).select_related(
        "round", "reviewer", "reviewee"
    )
    return {
        "written": list(base.filter(reviewer=user)),
        "received": list(base.filter(reviewee=user, submitted_at__isnull=False)),
    }


def list_mentors_for_member(*, access: AccessResult) -> QuerySet[MentorProfile]:
    """The mentor directory: for programme members and organisers (the gateway's rule)."""
    if not access.allows("member"):
        raise PermissionDenied(_("Join this programme to see this page."))
    return (
        MentorProfile.objects.filter(program=access.program, status=MentorStatus.ACTIVE)
        .select_related("user", "user__profile")
        .order_by("-is_accepting", "user__display_name", "user__email")
    )


def list_mentors_for_matching(*, program: Program) -> list[MentorProfile]:
    return list(
        MentorProfile.objects.filter(program=program, status=MentorStatus.ACTIVE)
        .select_related("user", "user__profile")
        .prefetch_related("user__profile__windows")
        .order_by("user_id")
    )


def list_unassigned(*, program: Program) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.filter(program=program, status=M.SUBMITTED)
        .select_related("mentee", "mentee__profile", "enrollment")
        .prefetch_related("mentee__profile__windows")
        .order_by("submitted_at", "pk")
    )


def list_mentees_for_mentor(*, profile: MentorProfile) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.filter(mentor=profile, status__in=LOAD_STATUSES)
        .select_related("mentee", "mentee__profile")
        .annotate(
            last_report=Max("reports__month"),
            unreviewed=Count("reports", filter=Q(reports__reviewed_at__isnull=True)),
        )
        .order_by("status", "mentee__display_name")
    )


def report_due(*, today: dt.date, cfg: MentorshipSettings) -> tuple[dt.date, bool]:
    """The month whose report is expected now, and whether it is past its grace period."""
    month = previous_month(today)
    overdue = today > first_of_month(today) + dt.timedelta(days=cfg.report_grace_days - 1)
    return month, overdue


def overdue_reports(
    *, program: Program, today: dt.date, mentor: MentorProfile | None = None
) -> QuerySet[Mentorship]:
    """Active mentees who have not filed last month's report after the grace period."""
    cfg = get_settings(program)
    month, overdue = report_due(today=today, cfg=cfg)
    if not overdue:
        return Mentorship.objects.none()
    start_of_this = first_of_month(today)
    qs = (
        Mentorship.objects.filter(
            program=program,
            status=M.ACTIVE,
            graduated_at__date__lt=start_of_this,
            enrollment__status=EnrollmentStatus.ACTIVE,  # paused mentees are not chased
        )
        .exclude(reports__month=month)
        .select_related("mentee", "mentor__user")
    )
    if mentor is not None:
        qs = qs.filter(mentor=mentor)
    return qs


def last_activity(profile: MentorProfile) -> dt.datetime:
    candidates = [
        profile.approved_at,
        profile.last_activity_at,
        profile.user.last_login,
        profile.created_at,
    ]
    return max(c for c in candidates if c is not None)


@dataclass
class MentorDashboard:
    profile: MentorProfile
    to_screen: list[Mentorship]
    orientation: list[Mentorship]
    active: list[Mentorship]
    overdue: list[Mentorship]
    unreviewed: list[MonthlyReport]
    requests: list[SupportRequest]
    reviews_due: list[Review]
    nominations: list[MentorNomination]


def mentor_dashboard(*, profile: MentorProfile, today: dt.date) -> MentorDashboard:
    mentees = list(list_mentees_for_mentor(profile=profile))
    program = profile.program
    return MentorDashboard(
        profile=profile,
        to_screen=[m for m in mentees if m.status in (M.ASSIGNED, M.SCREENING)],
        orientation=[m for m in mentees if m.status == M.ORIENTATION],
        active=[m for m in mentees if m.status == M.ACTIVE],
        overdue=list(overdue_reports(program=program, today=today, mentor=profile)),
        unreviewed=list(
            MonthlyReport.objects.filter(
                mentorship__mentor=profile,
                mentorship__status__in=RUNNING_STATUSES,
                reviewed_at__isnull=True,
            )
            .select_related("mentorship__mentee")
            .order_by("month")
        ),
        requests=list(
            SupportRequest.objects.filter(
                mentorship__mentor=profile,
                status=RequestStatus.PENDING,
                mentorship__status__in=RUNNING_STATUSES,
            ).select_related("mentorship__mentee")
        ),
        reviews_due=list(
            Review.objects.filter(
                round__program=program,
                reviewer=profile.user,
                submitted_at__isnull=True,
                round__closes_on__gte=today,
            ).select_related("reviewee", "round")
        ),
        nominations=list(
            MentorNomination.objects.filter(program=program, status=NominationStatus.EVALUATION)
            .filter(Q(evaluator__isnull=True) | Q(evaluator=profile.user))
            .exclude(nominee=profile.user)
            .select_related("nominee")
        ),
    )


def time_to_match_days(*, program: Program) -> float | None:
    """Median days from application to first assignment (PRODUCT.md §5)."""
    rows = Mentorship.objects.filter(program=program, matched_at__isnull=False).values_list(
        "submitted_at", "matched_at"
    )
    days = [
        (matched - submitted).total_seconds() / 86400
        for submitted, matched in rows
        if matched is not None
    ]
    return round(statistics.median(days), 1) if days else None


def review_aggregates(*, program: Program) -> list[dict[str, object]]:
    """Per round and direction: how many, how many answered, mean rating. No text, no names;
    the mean only from at least MIN_PEOPLE answers (core/aggregates.py), else None."""
    rows = (
        Review.objects.filter(round__program=program)
        .values("round__year", "direction")
        .annotate(
            total=Count("id"),
            submitted=Count("id", filter=Q(submitted_at__isnull=False)),
            mean=Avg("rating"),
        )
        .order_by("-round__year", "direction")
    )
    return [
        {
            **r,
            "mean": shown(round(r["mean"], 2), r["submitted"]) if r["mean"] is not None else None,
            "too_few": 0 < r["submitted"] < MIN_PEOPLE,
        }
        for r in rows
    ]


@dataclass
class OrganiserDashboard:
    program: Program
    unassigned: list[Mentorship]
    screening: list[Mentorship]
    at_capacity: list[MentorProfile]
    inactive: list[MentorProfile]
    needs_reassignment: list[Mentorship]
    overdue: list[Mentorship]
    reviews_pending: int
    nominations: list[MentorNomination]
    recognitions: list[Recognition]
    kpis: dict[str, object] = field(default_factory=dict)
    current_round: ReviewRound | None = None


def organiser_dashboard(*, program: Program, now: dt.datetime) -> OrganiserDashboard:
    today = timezone.localdate(now)
    unassigned = list(
        Mentorship.objects.filter(program=program, status=M.SUBMITTED)
        .select_related("mentee")
        .order_by("submitted_at")
    )
    for ms in unassigned:
        ms.waiting_days = (now - ms.submitted_at).days  # type: ignore[attr-defined]
    counts = Mentorship.objects.filter(program=program).aggregate(
        running=Count("id", filter=Q(status__in=RUNNING_STATUSES)),
        orientation=Count("id", filter=Q(status=M.ORIENTATION)),
        ended=Count("id", filter=Q(status=M.ENDED)),
        total=Count("id"),
        matched=Count("id", filter=Q(matched_at__isnull=False)),
    )
    mentors = MentorProfile.objects.filter(program=program, status=MentorStatus.ACTIVE)
    capacity = mentors.aggregate(
        cap=Count("id"), free=Count("id", filter=Q(load__lt=F("capacity"), is_accepting=True))
    )
    current_round = ReviewRound.objects.filter(program=program).first()
    overdue = list(overdue_reports(program=program, today=today))
    return OrganiserDashboard(
        program=program,
        unassigned=unassigned,
        screening=list(
            Mentorship.objects.filter(program=program, status__in=(M.ASSIGNED, M.SCREENING))
            .select_related("mentee", "mentor__user")
            .order_by("screening_due_at")
        ),
        at_capacity=list(mentors.filter(load__gte=F("capacity")).select_related("user")),
        inactive=list(
            mentors.filter(inactive_flagged_at__isnull=False, load__gt=0)
            .select_related("user")
            .prefetch_related(
                Prefetch(
                    "mentorships",
                    to_attr="live",
                    queryset=Mentorship.objects.filter(status__in=LOAD_STATUSES).select_related(
                        "mentee"
                    ),
                )
            )
        ),
        needs_reassignment=list(
            Mentorship.objects.filter(program=program, status__in=RUNNING_STATUSES)
            .exclude(reassignment_reason="")
            .select_related("mentee", "mentor__user")
            .order_by("reassignment_requested_at")
        ),
        overdue=overdue,
        reviews_pending=Review.objects.filter(
            round__program=program, submitted_at__isnull=True, round__closes_on__gte=today
        ).count(),
        nominations=list(
            MentorNomination.objects.filter(
                program=program,
                status__in=(
                    NominationStatus.EVALUATION,
                    NominationStatus.TRAINING,
                    NominationStatus.REVIEW,
                ),
            )
            .select_related("nominee", "nominated_by")
            .order_by("created_at")
        ),
        recognitions=list(
            Recognition.objects.filter(mentorship__program=program).select_related(
                "mentorship__mentee", "created_by"
            )[:20]
        ),
        kpis={
            "waiting": len(unassigned),
            "running": counts["running"],
            "orientation": counts["orientation"],
            "mentors": capacity["cap"],
            "mentors_with_room": capacity["free"],
            "time_to_match": time_to_match_days(program=program),
            "match_rate": round(100 * counts["matched"] / counts["total"])
            if counts["total"]
            else None,
            "overdue": len(overdue),
        },
        current_round=current_round,
    )


def list_requests_for_organiser(*, program: Program) -> QuerySet[SupportRequest]:
    """Validated requests to act on: kind, amount, who — not the justification text."""
    return (
        SupportRequest.objects.filter(mentorship__program=program, status=RequestStatus.VALIDATED)
        .select_related("mentorship__mentee", "decided_by")
        .order_by("-decided_at")
    )


def mentorship_history(ms: Mentorship) -> QuerySet:
    return ms.assignments.select_related("mentor__user").order_by("started_at", "pk")


def reports_for(ms: Mentorship) -> QuerySet[MonthlyReport]:
    return ms.reports.annotate(comment_count=Count("comments")).order_by("-month")


# ----------------------------------------------------------------------------- growth (issue 13)
def report_goal_check_ins(*, report: MonthlyReport, viewer: User) -> list[CheckIn]:
    """The goal check-ins recorded with `report`: all of them for the mentee (their own); for
    the mentor only those on goals the mentee still shares with them while the mentorship is
    open (a withdrawn goal, or another mentor's, is not theirs to read). Organisers never
    reach a report."""
    ms = report.mentorship
    check_ins = CheckIn.objects.filter(report=report).select_related("goal")
    if viewer.pk != ms.mentee_id:
        shared = growth_selectors.shared_through_mentorship(
            mentorship=ms, viewer=viewer, model=Goal
        )
        check_ins = check_ins.filter(goal__in=shared.values("pk"))
    return list(check_ins.order_by("goal__title", "goal_id", "-created_at"))


@dataclass
class LookBack:
    """What the yearly review shows its reviewer of the mentee's goals: to the mentee, their
    goals achieved in the year before the round opened and those still open, and their vision;
    to the mentor, only the goals the mentee shares with them, with their outcome."""

    achieved: list[Goal] = field(default_factory=list)
    open: list[Goal] = field(default_factory=list)
    shared: list[Goal] = field(default_factory=list)
    vision: Vision | None = None
    since: dt.date | None = None


LOOK_BACK_LIMIT = 50


def _with_progress(goals: QuerySet[Goal]) -> list[Goal]:
    from peerly.growth.services import progress_of

    found = list(goals[:LOOK_BACK_LIMIT])
    for goal in found:
        goal.progress = progress_of(  # type: ignore[attr-defined]
            goal,
            done=goal.milestone_done,  # type: ignore[attr-defined]
            total=goal.milestone_total,  # type: ignore[attr-defined]
        )
    return found


def review_look_back(*, review: Review, viewer: User) -> LookBack:
    ms = review.mentorship
    since = timezone.localdate(review.round.opened_at) - dt.timedelta(days=365)
    if review.reviewer_id != viewer.pk:
        return LookBack()
    if viewer.pk == ms.mentee_id:
        mine = growth_selectors.list_goals_for_user(user=viewer)
        return LookBack(
            achieved=_with_progress(
                mine.filter(status=GoalStatus.ACHIEVED, closed_at__date__gte=since)
            ),
            open=_with_progress(mine.filter(status=GoalStatus.ACTIVE)),
            vision=Vision.objects.filter(owner=viewer).first(),
            since=since,
        )
    shared = growth_selectors.shared_through_mentorship(mentorship=ms, viewer=viewer, model=Goal)
    return LookBack(
        shared=_with_progress(
            growth_selectors.list_goals_for_user(user=ms.mentee).filter(pk__in=shared.values("pk"))
        ),
        since=since,
    )


def program_goals_of(*, user: User, program: Program) -> list[Goal]:
    """The user's own goals linked to `program` with their progress (for their mentorship
    page; nobody else's), at most LOOK_BACK_LIMIT."""
    return _with_progress(growth_selectors.list_goals_for_user(user=user).filter(program=program))
