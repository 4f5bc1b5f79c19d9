"""Action items of every kind in one place: the member's own, those agreed with a mentor
(`mentorship`) and those agreed in a circle session (`circle`, `block`). One model
(`growth.models.ActionItem`), one write path per change, one rule for who may change one:
its owner (for a circle action, while they are still a member of the circle).

Writes are atomic, re-check the owner on the locked row (`core.db.relock`), are idempotent
where they can be re-run and audited (`core.audit`). Audit rows name the action and the id,
never the text. A circle action's rows are filed under the circle's programme (as they always
were); the member's own and mentorship actions are filed under no programme.

Reads for pages and the API are here too (`list_actions_for_user`, `get_action_for_user`,
`actions_of_mentorship`), so that every kind's actions are listed the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.circles.models import Block
from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.core import audit
from peerly.core.db import relock
from peerly.core.errors import ServiceError
from peerly.growth.models import OPEN_ACTION_STATUSES
from peerly.growth.models import ActionItem
from peerly.growth.models import ActionStatus
from peerly.growth.models import Goal
from peerly.growth.models import GoalStatus
from peerly.mentorship.models import OPEN_STATUSES
from peerly.mentorship.models import Mentorship

MAX_TEXT = 500
CLOSED_ACTION_STATUSES = (ActionStatus.DONE, ActionStatus.DROPPED)
EDITABLE = ("text", "due_on", "goal")
# what the pages and the API filter by: still to do, or closed (done or dropped)
FILTERS = {"open": OPEN_ACTION_STATUSES, "done": CLOSED_ACTION_STATUSES}


def kind_of(action: ActionItem) -> str:
    """ "circle", "mentorship" or "own"."""
    if action.circle_id is not None:
        return "circle"
    if action.mentorship_id is not None:
        return "mentorship"
    return "own"


def _program_id(action: ActionItem) -> int | None:
    """Where the action's audit rows are filed: a circle action under its programme (as
    before the move to growth), the others under none."""
    return action.circle.program_id if action.circle is not None else None


def _text(value: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ServiceError(_("Say what you will do."), field="text")
    if len(text) > MAX_TEXT:
        raise ServiceError(_("At most %(n)d characters.") % {"n": MAX_TEXT}, field="text")
    return text


def _check_due(due_on: dt.date | None) -> None:
    if due_on is not None and not (dt.date(2000, 1, 1) <= due_on <= dt.date(2200, 12, 31)):
        raise ServiceError(_("Choose a date between 2000 and 2200."), field="due_on")


def _check_goal(goal: Goal | None, owner_id: int) -> None:
    """An action only ever points at one of its owner's own goals."""
    if goal is not None and goal.owner_id != owner_id:
        raise ServiceError(_("Link one of your own goals."), field="goal")


def _own(action: ActionItem, actor: User) -> ActionItem:
    """`action` locked for the change, once it is sure to be `actor`'s to change: its owner's
    (and for a circle action, while they are a member of the circle)."""
    locked = relock(action, "circle")
    if locked.owner_id != actor.pk:
        raise ServiceError(_("Only the owner of an action item can change it."))
    if (
        locked.circle_id is not None
        and not CircleMember.objects.filter(circle_id=locked.circle_id, user=actor).exists()
    ):
        raise ServiceError(_("Only this circle's members can do that."))
    return locked


def _mentorship_party(mentorship: Mentorship, actor: User) -> Mentorship:
    """The open mentorship, locked, once `actor` is sure to be its mentee or current mentor."""
    locked = relock(mentorship, "mentor")
    mentor_user_id = locked.mentor.user_id if locked.mentor is not None else None
    if actor.pk not in (locked.mentee_id, mentor_user_id):
        raise ServiceError(_("Only the mentee and the mentor agree actions here."))
    if locked.status not in OPEN_STATUSES or mentor_user_id is None:
        raise ServiceError(_("Actions are agreed while the mentorship is open and has a mentor."))
    return locked


# ----------------------------------------------------------------------------- writes
@transaction.atomic
def add_action(
    *,
    actor: User,
    text: str,
    due_on: dt.date | None = None,
    goal: Goal | None = None,
    mentorship: Mentorship | None = None,
    owner: User | None = None,
) -> ActionItem:
    """A new open action. Without `mentorship` it is `actor`'s own (`owner` must be them);
    with one, the mentee or the current mentor of that open mentorship adds it for the mentee
    (the default) or for the mentor themself. `goal` must be one of the owner's goals, and
    only the owner links their goals (a mentor never sees the mentee's goal list)."""
    owner = owner or (
        mentorship.mentee if mentorship is not None and mentorship.mentee_id else actor
    )
    if mentorship is not None:
        locked = _mentorship_party(mentorship, actor)
        assert locked.mentor is not None  # noqa: S101 (checked by _mentorship_party)
        if owner.pk not in (locked.mentee_id, locked.mentor.user_id):
            raise ServiceError(_("The mentee or the mentor owns an agreed action."), field="owner")
        mentorship = locked
    elif owner.pk != actor.pk:
        raise ServiceError(_("You can only add your own actions here."), field="owner")
    if goal is not None and owner.pk != actor.pk:
        raise ServiceError(_("Only the owner links an action to one of their goals."), field="goal")
    _check_goal(goal, owner.pk)
    _check_due(due_on)
    action = ActionItem.objects.create(
        owner=owner, text=_text(text), due_on=due_on, goal=goal, mentorship=mentorship
    )
    audit.record(
        actor=actor, action="growth.action_added", obj=action, data={"kind": kind_of(action)}
    )
    return action


@transaction.atomic
def update_action(*, action: ActionItem, actor: User, **changes: Any) -> ActionItem:
    """Change the text, the due date or the goal (one of the owner's own, or None). The
    owner only. Changing nothing changes nothing (and writes no audit row)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ServiceError(_("These cannot be changed here: %s.") % ", ".join(sorted(unknown)))
    locked = _own(action, actor)
    if "text" in changes:
        changes["text"] = _text(changes["text"])
    if "due_on" in changes:
        _check_due(changes["due_on"])
    if "goal" in changes:
        _check_goal(changes["goal"], locked.owner_id)
    current = {"text": locked.text, "due_on": locked.due_on, "goal": locked.goal_id}
    changed = sorted(
        name
        for name, value in changes.items()
        if (value.pk if isinstance(value, Goal) else value) != current[name]
    )
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, changes[name])
    audit.saved(
        locked,
        actor=actor,
        action="growth.action_updated",
        program_id=_program_id(locked),
        data={"fields": changed},
        update_fields=[*changed, "updated_at"],
    )
    return locked


@transaction.atomic
def set_action_status(
    *,
    action: ActionItem,
    actor: User,
    status: str,
    session: CircleSession | None = None,
) -> ActionItem:
    """Set the status (not started, in progress, done, dropped): the owner only, on any page
    and in the API; for a circle action while they are still a member of the circle (the
    circle sees the status, but a co-member or the note-taker cannot change it). Done or
    dropped stamps `closed_at`, reopening clears it. `session` is the circle session whose
    action review this is (recorded in `reviewed_in`). Setting the same status again changes
    nothing."""
    if status not in ActionStatus.values:
        raise ServiceError(
            _("“%(status)s” is not an action status.") % {"status": status}, field="status"
        )
    locked = _own(action, actor)
    if session is not None and session.circle_id != locked.circle_id:
        raise ServiceError(_("This action was not agreed in this circle."), field="session")
    if locked.status == status and (session is None or locked.reviewed_in_id == session.pk):
        return locked
    old = locked.status
    fields = ["status", "updated_at"]
    locked.status = status
    closing = status in CLOSED_ACTION_STATUSES
    if closing != (old in CLOSED_ACTION_STATUSES) or (closing and locked.closed_at is None):
        locked.closed_at = timezone.now() if closing else None
        fields.append("closed_at")
    if session is not None:
        locked.reviewed_in = session
        fields.append("reviewed_in")
    audit.saved(
        locked,
        actor=actor,
        action="growth.action_status",
        program_id=_program_id(locked),
        data={"from": old, "to": status, "kind": kind_of(locked)},
        update_fields=fields,
    )
    return locked


@transaction.atomic
def delete_action(*, action: ActionItem, actor: User) -> None:
    """The owner removes their own or a mentorship action (a circle action is removed in the
    block it was agreed in). Deleting one that is gone already changes nothing."""
    if not ActionItem.objects.filter(pk=action.pk).exists():
        return
    locked = _own(action, actor)
    if locked.circle_id is not None:
        raise ServiceError(_("Circle actions are removed in the session's notes."))
    audit.record(actor=actor, action="growth.action_deleted", obj=locked)
    locked.delete()


def create_block_actions(
    *, block: Block, member_ids: set[int], rows: Sequence[Mapping[str, Any]]
) -> list[ActionItem]:
    """The actions agreed in a circle block (called by `circles.services.save_block`, inside
    its transaction, with the block locked): each row's owner is the coachee unless another
    member of the circle is named. The coachee's actions get the goal the coachee linked the
    block's issue to (`Block.goal`)."""
    circle = block.session.circle
    created = []
    for row in rows:
        text = str(row.get("text", "")).strip()
        if not text:
            continue
        owner_id = row.get("owner_id") or block.coachee_id
        if owner_id not in member_ids:
            raise ServiceError(_("Action owners must be members of the circle."), field="owner")
        _check_due(row.get("due_on"))
        created.append(
            ActionItem(
                circle=circle,
                block=block,
                owner_id=owner_id,
                text=text[:MAX_TEXT],
                due_on=row.get("due_on"),
                goal_id=block.goal_id if owner_id == block.coachee_id else None,
            )
        )
    return ActionItem.objects.bulk_create(created)


def remove_block_actions(*, block: Block, action_ids: Iterable[int]) -> int:
    """The block's editor removes some of its actions (ids of other blocks are ignored)."""
    deleted, _rows = ActionItem.objects.filter(block=block, pk__in=list(action_ids)).delete()
    return deleted


def relink_block_actions(*, block: Block, old_goal_id: int | None) -> int:
    """After the coachee linked the block's issue to another goal (or none): their actions
    from this block that followed the old link follow the new one."""
    followed = Q(goal__isnull=True) if old_goal_id is None else Q(goal_id=old_goal_id)
    return (
        ActionItem.objects.filter(block=block, owner_id=block.coachee_id)
        .filter(followed)
        .update(goal_id=block.goal_id, updated_at=timezone.now())
    )


def active_goals_of(user: User) -> QuerySet[Goal]:
    """The goals an action or a block can be linked to."""
    return Goal.objects.filter(owner=user, status=GoalStatus.ACTIVE).order_by("title", "pk")


# ----------------------------------------------------------------------------- reads
NOT_FOUND = "No such action item."


def _with_context(actions: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    """What a list needs to say where each action comes from, in the same query."""
    return actions.select_related(
        "goal",
        "circle__program",
        "block__session",
        "mentorship__program",
        "mentorship__mentee",
        "mentorship__mentor__user",
    )


def list_actions_for_user(*, user: User, status: str | None = None) -> QuerySet[ActionItem]:
    """The user's action items of every kind (only theirs), `status` "open" or "done"
    (done or dropped) or None for all: still-open first by due date, the undated last."""
    actions = ActionItem.objects.filter(owner=user)
    if status in FILTERS:
        actions = actions.filter(status__in=FILTERS[status])
    return _with_context(actions).order_by(
        *(("-closed_at",) if status == "done" else ()), "due_on", "id"
    )


def get_action_for_user(*, user: User, action_id: int) -> ActionItem:
    """One of the user's own action items (404 for anybody else's)."""
    action = _with_context(ActionItem.objects.filter(pk=action_id, owner=user)).first()
    if action is None:
        raise Http404(_(NOT_FOUND))
    return action


def actions_of_mentorship(*, mentorship: Mentorship, viewer: User) -> list[ActionItem]:
    """The actions agreed in this mentorship, for its mentee or current mentor (else none):
    open ones first, then the closed, by due date."""
    mentor_user_id = mentorship.mentor.user_id if mentorship.mentor is not None else None
    if viewer.pk not in (mentorship.mentee_id, mentor_user_id):
        return []
    return list(
        ActionItem.objects.filter(mentorship=mentorship)
        .select_related("owner")
        .order_by("closed_at", "due_on", "id")[:100]
    )


# ----------------------------------------------------------------------------- metric
def action_completion(
    actions: QuerySet[ActionItem], *, today: dt.date | None = None
) -> tuple[int, int]:
    """Action completion for the KPI dictionary: `(done, due)` over `actions`, where an action
    is *due* when its due date has passed or it is closed (done or dropped), and *done* when
    its status is done. The rate is done ÷ due (undefined when due is 0). Status, not
    `closed_at`, decides "closed": circle actions closed before the move to growth have no
    `closed_at`. One query."""
    today = today or timezone.localdate()
    done = Q(status=ActionStatus.DONE)
    figures = actions.aggregate(
        done=Count("id", filter=done),
        due=Count("id", filter=Q(status__in=CLOSED_ACTION_STATUSES) | Q(due_on__lt=today)),
    )
    return figures["done"], figures["due"]
