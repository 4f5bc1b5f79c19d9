"""Every change to a member's goals: one function per action, atomic, audited, owner only.

Audit rows name the action and the goal's id, never its texts, and are not filed under the
goal's programme (`Goal.audit_private`): organisers never see who has which goal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peerly.accounts.models import User
from peerly.circles.models import Circle
from peerly.core import audit
from peerly.core.db import relock
from peerly.core.errors import ServiceError
from peerly.core.statemachine import Transitions
from peerly.core.statemachine import apply_transition
from peerly.growth.models import SHARE_FIELD_OF
from peerly.growth.models import CheckIn
from peerly.growth.models import Goal
from peerly.growth.models import GoalStatus
from peerly.growth.models import Horizon
from peerly.growth.models import Milestone
from peerly.growth.models import ProgressMode
from peerly.growth.models import Share
from peerly.growth.models import Shareable
from peerly.mentorship.models import OPEN_STATUSES
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MonthlyReport
from peerly.programs.access import MEMBER_STATUSES
from peerly.programs.models import Program

S = GoalStatus
GOAL_MACHINE = Transitions(
    {"achieve": (S.ACTIVE,), "drop": (S.ACTIVE,), "reopen": (S.ACHIEVED, S.DROPPED)},
    labels=S,
    words={"achieve": gettext_lazy("mark as achieved"), "reopen": gettext_lazy("reopen")},
    noun=gettext_lazy("goal"),
)
MAX_MILESTONES = 20


def _own(goal: Goal, actor: User) -> Goal:
    """`goal` locked for the change, once it is sure to be `actor`'s (nobody else's)."""
    locked = relock(goal)
    if locked.owner_id != actor.pk:
        raise PermissionDenied(_("Only the goal's owner can change it."))
    return locked


def _title(value: str, field: str = "title") -> str:
    title = (value or "").strip()
    if not title:
        raise ServiceError(_("Give it a short title."), field=field)
    return title


def _check_program(owner: User, program: Program | None) -> None:
    if (
        program is not None
        and not program.enrollments.filter(user=owner, status__in=MEMBER_STATUSES).exists()
    ):
        raise ServiceError(_("You can only link a programme you take part in."), field="program")


def _check_dated(target_on: date | None, field: str = "target_on") -> None:
    if target_on is not None and not (date(2000, 1, 1) <= target_on <= date(2200, 12, 31)):
        raise ServiceError(_("Choose a date between 2000 and 2200."), field=field)


def progress_of(goal: Goal, *, done: int | None = None, total: int | None = None) -> int:
    """The goal's progress, 0-100: its percentage, or the share of milestones done (pass
    `done`/`total` when they are known, e.g. annotated by the selector)."""
    if goal.status == S.ACHIEVED:
        return 100
    if goal.progress_mode == ProgressMode.MILESTONES:
        if done is None or total is None:
            total = goal.milestones.count()
            done = goal.milestones.filter(done_at__isnull=False).count()
        return round(100 * done / total) if total else 0
    return goal.percent


@transaction.atomic
def create_goal(
    *,
    owner: User,
    title: str,
    why: str = "",
    measure: str = "",
    target_on: date | None = None,
    horizon: str = Horizon.SHORT,
    progress_mode: str = ProgressMode.PERCENT,
    program: Program | None = None,
    milestones: list[tuple[str, date | None]] | None = None,
) -> Goal:
    """A new active goal of `owner`, with its first milestones (title, due date) if given."""
    _check_program(owner, program)
    _check_dated(target_on)
    if len(milestones or ()) > MAX_MILESTONES:
        raise ServiceError(_("At most %(n)d milestones.") % {"n": MAX_MILESTONES})
    goal = Goal.objects.create(
        owner=owner,
        title=_title(title),
        why=why.strip(),
        measure=measure.strip(),
        target_on=target_on,
        horizon=horizon,
        progress_mode=progress_mode,
        program=program,
    )
    for name, due_on in milestones or ():
        _check_dated(due_on, "milestones")
        Milestone.objects.create(goal=goal, title=_title(name, "milestones"), due_on=due_on)
    audit.record(actor=owner, action="growth.goal_created", obj=goal)
    return goal


EDITABLE = ("title", "why", "measure", "target_on", "horizon", "progress_mode", "program")


@transaction.atomic
def update_goal(*, goal: Goal, actor: User, **changes: Any) -> Goal:
    """Change the goal's own fields (any of EDITABLE); its milestones and check-ins stay."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ServiceError(_("These cannot be changed here: %s.") % ", ".join(sorted(unknown)))
    locked = _own(goal, actor)
    if "title" in changes:
        changes["title"] = _title(changes["title"])
    if "program" in changes:
        _check_program(actor, changes["program"])
    _check_dated(changes.get("target_on"))
    for name in ("why", "measure"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    for name, value in changes.items():
        setattr(locked, name, value)
    audit.saved(locked, actor=actor, action="growth.goal_updated", data={"fields": sorted(changes)})
    return locked


@transaction.atomic
def delete_goal(*, goal: Goal, actor: User) -> None:
    """The goal and its milestones and check-ins, gone (the audit row keeps only the id)."""
    locked = _own(goal, actor)
    audit.record(actor=actor, action="growth.goal_deleted", obj=locked)
    locked.delete()


# action -> (the status it leads to, the audit action)
STATUS_CHANGES = {
    "achieve": (S.ACHIEVED, "growth.goal_achieved"),
    "drop": (S.DROPPED, "growth.goal_dropped"),
    "reopen": (S.ACTIVE, "growth.goal_reopened"),
}


def change_status(*, goal: Goal, actor: User, action: str, reason: str = "") -> Goal:
    """achieve, drop (saying why: the reason is the owner's and is not audited) or reopen,
    as GOAL_MACHINE allows; anything else is refused and nothing changes."""
    if goal.owner_id != actor.pk:
        raise PermissionDenied(_("Only the goal's owner can change it."))
    if action not in STATUS_CHANGES:
        raise ServiceError(_("Unknown action."), field="action")
    if action == "drop" and not (reason or "").strip():
        raise ServiceError(_("Say in a few words why you are dropping it."), field="reason")
    to, audit_action = STATUS_CHANGES[action]
    closing = {"closed_at": timezone.now()} if to != S.ACTIVE else {"closed_at": None}
    return apply_transition(
        goal,
        machine=GOAL_MACHINE,
        action=action,
        to=to,
        actor=actor,
        audit_action=audit_action,
        changes={**closing, "dropped_reason": reason.strip() if action == "drop" else ""},
    )


def achieve_goal(*, goal: Goal, actor: User) -> Goal:
    return change_status(goal=goal, actor=actor, action="achieve")


def drop_goal(*, goal: Goal, actor: User, reason: str) -> Goal:
    return change_status(goal=goal, actor=actor, action="drop", reason=reason)


def reopen_goal(*, goal: Goal, actor: User) -> Goal:
    return change_status(goal=goal, actor=actor, action="reopen")


@transaction.atomic
def add_milestone(*, goal: Goal, actor: User, title: str, due_on: date | None = None) -> Milestone:
    locked = _own(goal, actor)
    _check_dated(due_on, "due_on")
    if locked.milestones.count() >= MAX_MILESTONES:
        raise ServiceError(_("At most %(n)d milestones.") % {"n": MAX_MILESTONES})
    milestone = Milestone.objects.create(goal=locked, title=_title(title), due_on=due_on)
    audit.record(actor=actor, action="growth.milestone_added", obj=milestone)
    return milestone


@transaction.atomic
def set_milestone_done(*, milestone: Milestone, actor: User, done: bool) -> Milestone:
    """Tick or untick a milestone. Idempotent: ticking a done one changes nothing."""
    _own(milestone.goal, actor)
    locked = relock(milestone)
    if (locked.done_at is not None) == done:
        return locked
    locked.done_at = timezone.now() if done else None
    audit.saved(
        locked,
        actor=actor,
        action="growth.milestone_done" if done else "growth.milestone_undone",
        update_fields=["done_at"],
    )
    return locked


@transaction.atomic
def delete_milestone(*, milestone: Milestone, actor: User) -> None:
    _own(milestone.goal, actor)
    audit.record(actor=actor, action="growth.milestone_deleted", obj=milestone)
    milestone.delete()


@transaction.atomic
def check_in(
    *,
    goal: Goal,
    actor: User,
    moved: str = "",
    blocked: str = "",
    percent: int | None = None,
    report: MonthlyReport | None = None,
) -> CheckIn:
    """A dated note on an active goal; in PERCENT mode it may move the percentage too.
    `report`: the owner's mentorship monthly report it is recorded with, if any."""
    locked = _own(goal, actor)
    if (
        report is not None
        and not Mentorship.objects.filter(pk=report.mentorship_id, mentee=actor).exists()
    ):
        raise PermissionDenied(_("Only the mentee's own report can carry their check-ins."))
    if locked.status != S.ACTIVE:
        raise ServiceError(_("Reopen the goal to check in on it."))
    moved, blocked = (moved or "").strip(), (blocked or "").strip()
    if percent is not None:
        if locked.progress_mode != ProgressMode.PERCENT:
            raise ServiceError(
                _("This goal is measured by its milestones: tick them instead."), field="percent"
            )
        if not 0 <= percent <= 100:
            raise ServiceError(_("Give a percentage from 0 to 100."), field="percent")
        if percent != locked.percent:
            locked.percent = percent
            locked.save(update_fields=["percent", "updated_at"])
    if not moved and not blocked and percent is None:
        raise ServiceError(_("Write what moved or what is in the way."), field="moved")
    entry = CheckIn.objects.create(
        goal=locked, moved=moved, blocked=blocked, progress=progress_of(locked), report=report
    )
    audit.record(actor=actor, action="growth.checked_in", obj=entry)
    return entry


# ----------------------------------------------------------------------------- sharing
@dataclass(frozen=True)
class Audience:
    """Somebody a goal can be shown to: the owner's mentor (through one open mentorship) or
    one of the owner's circles. `key` is what the share form posts."""

    key: str
    label: str
    mentorship: Mentorship | None = None
    circle: Circle | None = None


def audiences_for(owner: User) -> list[Audience]:
    """Where `owner` can share a goal: their mentor in each open mentorship that has one, and
    each circle they are in while still in its programme (newest first, at most 10)."""
    found = []
    for ms in Mentorship.objects.filter(
        mentee=owner, status__in=OPEN_STATUSES, mentor__isnull=False
    ).select_related("mentor__user", "program"):
        assert ms.mentor is not None  # noqa: S101 (filtered above; for the type checker)
        label = _("My mentor %(name)s (%(programme)s)") % {
            "name": ms.mentor.user.name,
            "programme": ms.program.name,
        }
        found.append(Audience(f"mentorship:{ms.pk}", label, mentorship=ms))
    circles = (
        Circle.objects.filter(
            memberships__user=owner,
            program__enrollments__user=owner,
            program__enrollments__status__in=MEMBER_STATUSES,
        )
        .select_related("program")
        .order_by("-season__starts_on", "-pk")[:10]
    )
    for circle in circles:
        label = _("My circle %(number)s (%(programme)s)") % {
            "number": circle.number,
            "programme": circle.program.name,
        }
        found.append(Audience(f"circle:{circle.pk}", label, circle=circle))
    return found


def _own_shareable(subject: Shareable, actor: User) -> Shareable:
    locked = relock(subject)
    if locked.owner_id != actor.pk:
        raise PermissionDenied(_("Only its owner can share it."))
    return locked


@transaction.atomic
def share(*, subject: Shareable, actor: User, audience: Audience) -> Share:
    """Show one goal, journal entry, plan or SWOT version to `audience` (one of
    `audiences_for(actor)`). Sharing it again with the same audience changes nothing."""
    field = SHARE_FIELD_OF[type(subject)]
    on: dict[str, Any] = {field: _own_shareable(subject, actor)}
    if audience.key not in {a.key for a in audiences_for(actor)}:
        raise ServiceError(_("You can share it with your mentor or your circle only."))
    if audience.mentorship is not None:
        found, created = Share.objects.get_or_create(
            **on,
            mentorship=audience.mentorship,
            mentor=audience.mentorship.mentor,
        )
    else:
        found, created = Share.objects.get_or_create(**on, circle=audience.circle)
    if created:
        audit.record(actor=actor, action=f"growth.{field}_shared", obj=found)
    return found


@transaction.atomic
def withdraw_share(*, share: Share, actor: User) -> None:
    """The audience no longer sees it. Idempotent."""
    field = next(f for f in SHARE_FIELD_OF.values() if getattr(share, f"{f}_id") is not None)
    _own_shareable(share.subject, actor)  # type: ignore[arg-type]
    deleted, _rows = Share.objects.filter(pk=share.pk).delete()
    if deleted:
        audit.record(actor=actor, action=f"growth.{field}_unshared", obj=share)
