"""What each programme kind contributes to recognition: which events count towards badges and
what "completed" means for a certificate. A small registry keyed by `Program.kind`, next to
the programme-kind registry (programs/kinds.py) rather than inside it, so a kind that has no
recognition needs nothing:

    contributions.register("coffee", KindRecognition(rules=(…), earned=…, completions=…))

The three built-in kinds are registered by `RecognitionConfig.ready()` from the functions
below, which only read their apps' models; a fourth kind registers its own from its
AppConfig. Every function is a pure read (plain values out): the tick and the services do the
writing, idempotently (docs/recognition.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from django.db.models import Count
from django.db.models import Max
from django.db.models import Min
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from peerly.programs.access import MEMBER_STATUSES
from peerly.programs.models import Enrollment
from peerly.programs.models import Program
from peerly.recognition.models import Badge
from peerly.recognition.models import Completion
from peerly.recognition.models import RecognitionSettings

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Earned:
    """A member who has earned `badge` in the programme (by a switched-on rule)."""

    user_id: int
    badge: str
    reason: str = ""


@dataclass(frozen=True)
class Done:
    """A member who completed something a certificate is issued for."""

    user_id: int
    completion: str  # Completion value
    source_key: str  # unique per member and programme: "season:12", "term:5:2026-11-30"
    starts_on: dt.date
    ends_on: dt.date
    achievement: str  # one sentence: what they did


Rule = Callable[[Program, RecognitionSettings, dt.date], Iterable[Earned]]
Completer = Callable[[Program, RecognitionSettings, dt.date], Iterable[Done]]


@dataclass(frozen=True)
class KindRecognition:
    """A kind's part: the rule badges organisers of its programmes may switch on, the events
    that earn them (`earned`) and its completions (`completions`, for certificates)."""

    rules: tuple[str, ...]
    earned: Rule
    completions: Completer
    completion_label: StrOrPromise = ""  # what a certificate is for, on the settings page


_registry: dict[str, KindRecognition] = {}


def register(code: str, part: KindRecognition) -> None:
    _registry[code] = part


def unregister(code: str) -> None:
    _registry.pop(code, None)


def for_kind(code: str) -> KindRecognition | None:
    return _registry.get(code)


def rules_for(program: Program) -> tuple[str, ...]:
    part = _registry.get(program.kind)
    return () if part is None else part.rules


def current_members(program: Program) -> set[int]:
    """Ids of the programme's members now (applied, active, paused): only they earn."""
    return set(
        Enrollment.objects.filter(program=program, status__in=MEMBER_STATUSES).values_list(
            "user_id", flat=True
        )
    )


def first_goal_earned(program: Program, cfg: RecognitionSettings, today: dt.date) -> list[Earned]:
    """Shared by every kind: a member achieved a goal they linked to this programme."""
    from peerly.growth.models import Goal
    from peerly.growth.models import GoalStatus

    users = (
        Goal.objects.filter(program=program, status=GoalStatus.ACHIEVED)
        .values_list("owner_id", flat=True)
        .distinct()
    )
    members = current_members(program)
    return [Earned(uid, Badge.FIRST_GOAL) for uid in sorted(set(users) & members)]


# ----------------------------------------------------------------------------- coffee
def coffee_earned(program: Program, cfg: RecognitionSettings, today: dt.date) -> list[Earned]:
    from peerly.rounds.models import MET_ANSWERS
    from peerly.rounds.models import GroupMember

    met = dict(
        GroupMember.objects.filter(round__program=program, answer__in=MET_ANSWERS)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    members = current_members(program)
    out: list[Earned] = []
    for uid in sorted(set(met) & members):
        out.append(Earned(uid, Badge.FIRST_MEETING))
        if met[uid] >= 5:
            out.append(Earned(uid, Badge.FIVE_ROUNDS))
    return out


def coffee_completions(program: Program, cfg: RecognitionSettings, today: dt.date) -> list[Done]:
    """N coffee rounds met (N = the programme's `coffee_rounds_for_certificate`)."""
    from peerly.rounds.models import MET_ANSWERS
    from peerly.rounds.models import GroupMember

    need = cfg.coffee_rounds_for_certificate
    rows = (
        GroupMember.objects.filter(round__program=program, answer__in=MET_ANSWERS)
        .values("user_id")
        .annotate(n=Count("id"), first=Min("round__meets_from"), last=Max("round__meet_by"))
        .filter(n__gte=need)
    )
    members = current_members(program)
    return [
        Done(
            user_id=row["user_id"],
            completion=Completion.COFFEE_ROUNDS,
            source_key=f"coffee:{need}",
            starts_on=row["first"],
            ends_on=row["last"],
            achievement=ngettext(
                "Met a colleague in %(n)d coffee round.",
                "Met colleagues in %(n)d coffee rounds.",
                row["n"],
            )
            % {"n": row["n"]},
        )
        for row in rows
        if row["user_id"] in members
    ]


# ----------------------------------------------------------------------------- circles
@dataclass
class _CircleRecord:
    season: Any  # circles.Season
    number: int
    users: list[int]


def _circle_attendance(
    program: Program, today: dt.date
) -> tuple[dict[int, int], dict[tuple[int, int], int], dict[int, _CircleRecord]]:
    """For the circles of seasons that have ended: held sessions per circle, present count per
    (circle, user), and the members of each circle with its season."""
    from peerly.circles.models import Attendance
    from peerly.circles.models import AttendanceStatus
    from peerly.circles.models import CircleMember
    from peerly.circles.models import CircleSession
    from peerly.circles.models import SessionStatus

    ended = Q(circle__season__program=program, circle__season__ends_on__lt=today)
    held = dict(
        CircleSession.objects.filter(ended, status=SessionStatus.HELD)
        .values("circle_id")
        .annotate(n=Count("id"))
        .values_list("circle_id", "n")
    )
    present: dict[tuple[int, int], int] = defaultdict(int)
    for circle_id, user_id in Attendance.objects.filter(
        session__circle__season__program=program,
        session__circle__season__ends_on__lt=today,
        session__status=SessionStatus.HELD,
        status=AttendanceStatus.PRESENT,
    ).values_list("session__circle_id", "user_id"):
        present[(circle_id, user_id)] += 1
    circles: dict[int, _CircleRecord] = {}
    for m in CircleMember.objects.filter(
        circle__season__program=program, circle__season__ends_on__lt=today
    ).select_related("circle__season"):
        record = circles.setdefault(
            m.circle_id, _CircleRecord(season=m.circle.season, number=m.circle.number, users=[])
        )
        record.users.append(m.user_id)
    return held, present, circles


def circle_earned(program: Program, cfg: RecognitionSettings, today: dt.date) -> list[Earned]:
    from peerly.circles.models import Attendance
    from peerly.circles.models import AttendanceStatus
    from peerly.circles.models import SessionStatus

    members = current_members(program)
    out: list[Earned] = []
    attended = set(
        Attendance.objects.filter(
            session__circle__program=program,
            session__status=SessionStatus.HELD,
            status=AttendanceStatus.PRESENT,
        ).values_list("user_id", flat=True)
    )
    out += [Earned(uid, Badge.FIRST_MEETING) for uid in sorted(attended & members)]
    held, present, circles = _circle_attendance(program, today)
    for circle_id, entry in sorted(circles.items()):
        n = held.get(circle_id, 0)
        if not n:
            continue
        users = entry.users
        for uid in users:
            if uid in members and 2 * present[(circle_id, uid)] >= n:
                out.append(Earned(uid, Badge.SEASON_COMPLETED))
        if all(present[(circle_id, uid)] >= n for uid in users):
            out += [Earned(uid, Badge.FULL_ATTENDANCE) for uid in users if uid in members]
    return out


def circle_completions(program: Program, cfg: RecognitionSettings, today: dt.date) -> list[Done]:
    """A season that has ended, for each member present at half of their circle's held
    sessions or more."""
    members = current_members(program)
    held, present, circles = _circle_attendance(program, today)
    out: list[Done] = []
    for circle_id, entry in sorted(circles.items()):
        n = held.get(circle_id, 0)
        season = entry.season
        for uid in entry.users:
            came = present[(circle_id, uid)]
            if not n or uid not in members or 2 * came < n:
                continue
            out.append(
                Done(
                    user_id=uid,
                    completion=Completion.SEASON,
                    source_key=f"season:{season.pk}",
                    starts_on=season.starts_on,
                    ends_on=season.ends_on,
                    achievement=_(
                        "Completed season %(season)d of peer coaching in circle %(circle)d, "
                        "present at %(came)d of %(held)d sessions."
                    )
                    % {"season": season.number, "circle": entry.number, "came": came, "held": n},
                )
            )
    return out


# ----------------------------------------------------------------------------- mentorship
def mentorship_earned(program: Program, cfg: RecognitionSettings, today: dt.date) -> list[Earned]:
    from peerly.mentorship.models import Mentorship
    from peerly.mentorship.models import MonthlyReport

    members = current_members(program)
    out: list[Earned] = []
    reported = set(
        MonthlyReport.objects.filter(mentorship__program=program).values_list(
            "mentorship__mentee_id", flat=True
        )
    )
    oriented = set(
        Mentorship.objects.filter(program=program, orientation__has_key="first_activity")
        .values_list("mentee_id", flat=True)
        .distinct()
    )
    out += [Earned(uid, Badge.FIRST_MEETING) for uid in sorted((reported | oriented) & members)]
    mentees = (
        Mentorship.objects.filter(program=program, accepted_at__isnull=False, mentor__isnull=False)
        .values("mentor__user_id")
        .annotate(n=Count("mentee_id", distinct=True))
        .filter(n__gte=cfg.mentor_threshold)
    )
    out += [
        Earned(
            row["mentor__user_id"],
            Badge.MENTOR_OF_N,
            _("Mentor of %(n)d mentees.") % {"n": row["n"]},
        )
        for row in mentees
        if row["mentor__user_id"] in members
    ]
    return out


def mentorship_completions(
    program: Program, cfg: RecognitionSettings, today: dt.date
) -> list[Done]:
    """A mentee's term that ended (term_ends_on passed) after they graduated from orientation."""
    from peerly.mentorship.models import Mentorship
    from peerly.mentorship.models import MentorshipStatus

    members = current_members(program)
    out: list[Done] = []
    for ms in Mentorship.objects.filter(
        program=program,
        graduated_at__isnull=False,
        accepted_at__isnull=False,
        term_ends_on__isnull=False,
        term_ends_on__lte=today,
        status__in=(MentorshipStatus.ACTIVE, MentorshipStatus.ENDED),
    ).select_related("mentor__user"):
        if ms.mentee_id not in members and ms.status != MentorshipStatus.ENDED:
            continue
        if ms.accepted_at is None or ms.term_ends_on is None:  # excluded above; for mypy
            continue
        starts = ms.accepted_at.date()
        if ms.term_ends_on < starts:
            continue
        mentor = ms.mentor.user.name if ms.mentor else ""
        out.append(
            Done(
                user_id=ms.mentee_id,
                completion=Completion.TERM,
                source_key=f"term:{ms.pk}:{ms.term_ends_on.isoformat()}",
                starts_on=starts,
                ends_on=ms.term_ends_on,
                achievement=(
                    _("Completed a mentorship term with %(mentor)s as mentor.") % {"mentor": mentor}
                    if mentor
                    else _("Completed a mentorship term.")
                ),
            )
        )
    return out


def register_builtin() -> None:
    """The three kinds Peerly ships (called from RecognitionConfig.ready())."""
    register(
        "coffee",
        KindRecognition(
            rules=(Badge.FIRST_MEETING, Badge.FIVE_ROUNDS, Badge.FIRST_GOAL),
            earned=coffee_earned,
            completions=coffee_completions,
            completion_label=gettext_lazy("coffee rounds met"),
        ),
    )
    register(
        "circle",
        KindRecognition(
            rules=(
                Badge.FIRST_MEETING,
                Badge.SEASON_COMPLETED,
                Badge.FULL_ATTENDANCE,
                Badge.FIRST_GOAL,
            ),
            earned=circle_earned,
            completions=circle_completions,
            completion_label=gettext_lazy("a circle season"),
        ),
    )
    register(
        "mentorship",
        KindRecognition(
            rules=(Badge.FIRST_MEETING, Badge.MENTOR_OF_N, Badge.FIRST_GOAL),
            earned=mentorship_earned,
            completions=mentorship_completions,
            completion_label=gettext_lazy("a mentorship term"),
        ),
    )
