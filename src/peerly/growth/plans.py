"""Every change to a member's SWOT versions, vision and development plans: one function per
action, atomic, owner only (re-checked on the locked row), audited without any text.

SWOT versions: the newest is the current one and the only one that can be edited; starting a
new version copies the current one forward (lists not given are copied), earlier versions stay
as they were. Lists are kept one item per line, blank lines and repeats dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.core import audit
from peerly.core.db import relock
from peerly.core.errors import ServiceError
from peerly.growth.models import DevelopmentPlan
from peerly.growth.models import Goal
from peerly.growth.models import Swot
from peerly.growth.models import Vision
from peerly.growth.services import _check_dated
from peerly.growth.services import _title

MAX_ITEMS = 50  # per list
MAX_ITEM_LENGTH = 300
MAX_PLAN_GOALS = 50
SWOT_LISTS = Swot.LISTS
PLAN_FIELDS = (
    "title",
    "starts_on",
    "ends_on",
    "focus_areas",
    "learning",
    "support",
    "review_on",
    "goals",
)


def lines_of(text: str) -> list[str]:
    """'a\\n\\n b \\na' -> ['a', 'b']: one item per line, stripped, blanks and repeats dropped."""
    seen: set[str] = set()
    items: list[str] = []
    for raw in (text or "").splitlines():
        item = " ".join(raw.split())
        if item and item.lower() not in seen:
            seen.add(item.lower())
            items.append(item)
    return items


def _list(value: str | None, field: str) -> str:
    items = lines_of(value or "")
    if len(items) > MAX_ITEMS:
        raise ServiceError(_("At most %(n)d lines.") % {"n": MAX_ITEMS}, field=field)
    if any(len(item) > MAX_ITEM_LENGTH for item in items):
        raise ServiceError(
            _("Keep each line under %(n)d characters.") % {"n": MAX_ITEM_LENGTH}, field=field
        )
    return "\n".join(items)


def _label(value: str) -> str:
    label = " ".join((value or "").split())
    if not label:
        raise ServiceError(_("Name this version, e.g. the year."), field="label")
    if len(label) > 100:
        raise ServiceError(_("At most 100 characters."), field="label")
    return label


def _mine(obj: Any, actor: User) -> Any:
    locked = relock(obj)
    if locked.owner_id != actor.pk:
        raise PermissionDenied(_("Only its owner can change it."))
    return locked


def _lock_owner(owner: User) -> None:
    """Hold the owner's row for the transaction: one change of their SWOT versions or vision
    at a time (so "the current version" and "their vision" stay well defined)."""
    list(User.objects.select_for_update().filter(pk=owner.pk).values_list("pk", flat=True))


def _unchanged(obj: Any, changes: dict[str, Any]) -> bool:
    return all(getattr(obj, name) == value for name, value in changes.items())


# ----------------------------------------------------------------------------- SWOT
def current_swot_of(owner: User) -> Swot | None:
    """The owner's newest SWOT version (the only one that can be edited)."""
    return Swot.objects.filter(owner=owner).order_by("-created_at", "-id").first()


@transaction.atomic
def create_swot(
    *,
    owner: User,
    label: str,
    strengths: str | None = None,
    weaknesses: str | None = None,
    opportunities: str | None = None,
    threats: str | None = None,
) -> Swot:
    """A new version of `owner`'s SWOT: the first one, or the next, which starts as a copy of
    the current one (each list not given is copied forward). A label the owner already uses is
    refused, so submitting the same new version twice makes one."""
    _lock_owner(owner)
    label = _label(label)
    if Swot.objects.filter(owner=owner, label__iexact=label).exists():
        raise ServiceError(_("You already have a version called “%s”.") % label, field="label")
    given = {
        "strengths": strengths,
        "weaknesses": weaknesses,
        "opportunities": opportunities,
        "threats": threats,
    }
    current = current_swot_of(owner)
    lists = {
        name: _list(value if value is not None else getattr(current, name, ""), name)
        for name, value in given.items()
    }
    swot = Swot.objects.create(owner=owner, label=label, **lists)
    audit.record(
        actor=owner,
        action="growth.swot_version_started" if current else "growth.swot_created",
        obj=swot,
        data={"from": current.pk} if current else None,
    )
    return swot


@transaction.atomic
def update_swot(*, swot: Swot, actor: User, **changes: Any) -> Swot:
    """Change the label or lists of the CURRENT version; earlier versions are kept as they
    were. Saving it unchanged changes nothing (and audits nothing)."""
    unknown = set(changes) - {"label", *SWOT_LISTS}
    if unknown:
        raise ServiceError(_("These cannot be changed here: %s.") % ", ".join(sorted(unknown)))
    _lock_owner(actor)
    locked = _mine(swot, actor)
    current = current_swot_of(actor)
    if current is None or current.pk != locked.pk:
        raise ServiceError(
            _("Earlier versions are kept as they were: only the current version can be edited.")
        )
    if "label" in changes:
        changes["label"] = _label(changes["label"])
        if (
            Swot.objects.filter(owner=actor, label__iexact=changes["label"])
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ServiceError(
                _("You already have a version called “%s”.") % changes["label"], field="label"
            )
    for name in SWOT_LISTS:
        if name in changes:
            changes[name] = _list(changes[name], name)
    if _unchanged(locked, changes):
        return locked
    for name, value in changes.items():
        setattr(locked, name, value)
    audit.saved(locked, actor=actor, action="growth.swot_updated", data={"fields": sorted(changes)})
    return locked


@transaction.atomic
def delete_swot(*, swot: Swot, actor: User) -> None:
    """One version, gone with its shares (the one before it becomes the current one)."""
    locked = _mine(swot, actor)
    audit.record(actor=actor, action="growth.swot_deleted", obj=locked)
    locked.delete()


# ----------------------------------------------------------------------------- vision
@transaction.atomic
def set_vision(*, owner: User, statement: str, qualities: str = "") -> Vision:
    """Write or rewrite the owner's vision (one per owner). Saving it unchanged changes
    nothing."""
    _lock_owner(owner)
    statement = (statement or "").strip()
    if not statement:
        raise ServiceError(
            _("Write a sentence or two about who you want to become."), field="statement"
        )
    if len(statement) > 2000:
        raise ServiceError(_("At most 2000 characters."), field="statement")
    changes = {"statement": statement, "qualities": _list(qualities, "qualities")}
    vision = Vision.objects.filter(owner=owner).first()
    if vision is None:
        vision = Vision.objects.create(owner=owner, **changes)
        audit.record(actor=owner, action="growth.vision_written", obj=vision)
        return vision
    if _unchanged(vision, changes):
        return vision
    for name, value in changes.items():
        setattr(vision, name, value)
    audit.saved(vision, actor=owner, action="growth.vision_updated")
    return vision


@transaction.atomic
def review_vision(*, owner: User) -> Vision:
    """ "I revisited it": stamps when the owner last reread their vision."""
    vision = Vision.objects.select_for_update().filter(owner=owner).first()
    if vision is None:
        raise ServiceError(_("Write your vision first."))
    vision.reviewed_at = timezone.now()
    vision.save(update_fields=["reviewed_at"])  # not `updated_at`: the text did not change
    audit.record(actor=owner, action="growth.vision_reviewed", obj=vision)
    return vision


# ----------------------------------------------------------------------------- plans
def _goals(owner: User, goals: Iterable[Goal | int] | None) -> list[Goal]:
    ids = {g.pk if isinstance(g, Goal) else int(g) for g in goals or ()}
    if any(not 0 < pk < 2**63 for pk in ids):
        raise ServiceError(_("Choose among your own goals."), field="goals")
    if len(ids) > MAX_PLAN_GOALS:
        raise ServiceError(_("At most %(n)d goals.") % {"n": MAX_PLAN_GOALS}, field="goals")
    found = list(Goal.objects.filter(owner=owner, pk__in=ids))
    if len(found) != len(ids):
        raise ServiceError(_("Choose among your own goals."), field="goals")
    return found


def _plan_values(owner: User, values: dict[str, Any]) -> dict[str, Any]:
    """`values` checked and cleaned (only the keys given)."""
    cleaned = dict(values)
    if "title" in cleaned:
        cleaned["title"] = _title(cleaned["title"])
        if len(cleaned["title"]) > 200:
            raise ServiceError(_("At most 200 characters."), field="title")
    for name in ("starts_on", "ends_on", "review_on"):
        if name in cleaned:
            _check_dated(cleaned[name], name)
    for name in ("focus_areas", "learning"):
        if name in cleaned:
            cleaned[name] = _list(cleaned[name], name)
    if "support" in cleaned:
        cleaned["support"] = (cleaned["support"] or "").strip()
        if len(cleaned["support"]) > 5000:
            raise ServiceError(_("At most 5000 characters."), field="support")
    if "goals" in cleaned:
        cleaned["goals"] = _goals(owner, cleaned["goals"])
    return cleaned


def _check_period(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on is None:
        raise ServiceError(_("When does the plan start?"), field="starts_on")
    if ends_on is None:
        raise ServiceError(_("When does the plan end?"), field="ends_on")
    if ends_on < starts_on:
        raise ServiceError(_("The plan cannot end before it starts."), field="ends_on")


@transaction.atomic
def create_plan(
    *,
    owner: User,
    title: str,
    starts_on: date,
    ends_on: date,
    focus_areas: str = "",
    learning: str = "",
    support: str = "",
    review_on: date | None = None,
    goals: Iterable[Goal | int] | None = None,
) -> DevelopmentPlan:
    """A development plan of `owner` for a period, with goals chosen from their own."""
    values = _plan_values(
        owner,
        {
            "title": title,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "focus_areas": focus_areas,
            "learning": learning,
            "support": support,
            "review_on": review_on,
            "goals": goals,
        },
    )
    _check_period(values["starts_on"], values["ends_on"])
    chosen = values.pop("goals")
    plan = DevelopmentPlan.objects.create(owner=owner, **values)
    plan.goals.set(chosen)
    audit.record(actor=owner, action="growth.plan_created", obj=plan)
    return plan


@transaction.atomic
def update_plan(*, plan: DevelopmentPlan, actor: User, **changes: Any) -> DevelopmentPlan:
    """Change any of PLAN_FIELDS (`goals` replaces the plan's goals). Unchanged: no audit."""
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ServiceError(_("These cannot be changed here: %s.") % ", ".join(sorted(unknown)))
    locked = _mine(plan, actor)
    cleaned = _plan_values(actor, changes)
    _check_period(
        cleaned.get("starts_on", locked.starts_on), cleaned.get("ends_on", locked.ends_on)
    )
    goals = cleaned.pop("goals", None)
    goals_changed = goals is not None and {g.pk for g in goals} != set(
        locked.goals.values_list("pk", flat=True)
    )
    if _unchanged(locked, cleaned) and not goals_changed:
        return locked
    for name, value in cleaned.items():
        setattr(locked, name, value)
    if goals_changed:
        locked.goals.set(goals)  # type: ignore[arg-type]
    audit.saved(locked, actor=actor, action="growth.plan_updated", data={"fields": sorted(changes)})
    return locked


@transaction.atomic
def delete_plan(*, plan: DevelopmentPlan, actor: User) -> None:
    """The plan and its shares, gone; its goals stay."""
    locked = _mine(plan, actor)
    audit.record(actor=actor, action="growth.plan_deleted", obj=locked)
    locked.delete()
