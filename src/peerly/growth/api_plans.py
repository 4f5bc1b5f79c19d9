"""The member's SWOT versions, vision and development plans over the API, and sharing any
shareable (goal, journal entry, plan, SWOT version) with their mentor or circle: the same
services and the same rule as the pages (only the owner; anybody else's is a 404). Lists are
arrays of strings here; they are kept one item per line."""

import datetime as dt
from typing import Any
from typing import Literal

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field
from ninja import Router
from ninja import Schema
from ninja.pagination import paginate

from peerly.core.errors import ServiceError
from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import CappedLimitOffset
from peerly.growth import plan_selectors
from peerly.growth import plans
from peerly.growth import services
from peerly.growth.models import DevelopmentPlan
from peerly.growth.models import Goal
from peerly.growth.models import JournalEntry
from peerly.growth.models import Share
from peerly.growth.models import Swot

router = Router(tags=["growth"])
Lines = list[str]


def _joined(items: list[str] | None) -> str | None:
    return None if items is None else "\n".join(items)


# ----------------------------------------------------------------------------- SWOT
class SwotOut(Schema):
    id: int
    label: str
    strengths: Lines
    weaknesses: Lines
    opportunities: Lines
    threats: Lines
    is_current: bool = Field(description="the newest version: the only one that can be edited")
    created_at: dt.datetime
    updated_at: dt.datetime


class SwotIn(Schema):
    label: str = Field(min_length=1, max_length=100)
    strengths: Lines | None = Field(None, max_length=plans.MAX_ITEMS)
    weaknesses: Lines | None = Field(None, max_length=plans.MAX_ITEMS)
    opportunities: Lines | None = Field(None, max_length=plans.MAX_ITEMS)
    threats: Lines | None = Field(None, max_length=plans.MAX_ITEMS)


class SwotPatch(Schema):
    label: str | None = Field(None, min_length=1, max_length=100)
    strengths: Lines | None = Field(None, max_length=plans.MAX_ITEMS)
    weaknesses: Lines | None = Field(None, max_length=plans.MAX_ITEMS)
    opportunities: Lines | None = Field(None, max_length=plans.MAX_ITEMS)
    threats: Lines | None = Field(None, max_length=plans.MAX_ITEMS)


def _swot(swot: Swot, current_id: int | None) -> dict[str, Any]:
    return {
        "id": swot.pk,
        "label": swot.label,
        **{name: plans.lines_of(getattr(swot, name)) for name in Swot.LISTS},
        "is_current": swot.pk == current_id,
        "created_at": swot.created_at,
        "updated_at": swot.updated_at,
    }


def _swot_rows(request: AuthedHttpRequest, swots: list[Swot]) -> list[dict[str, Any]]:
    current_id = plan_selectors.current_swot_id(user=request.user)
    return [_swot(s, current_id) for s in swots]


def _given(payload: Schema) -> dict[str, Any]:
    """The fields the client sent, lists joined one item per line."""
    values = payload.model_dump(exclude_unset=True)
    return {k: _joined(v) if isinstance(v, list) else v for k, v in values.items()}


@router.get("/me/swots", response=list[SwotOut])
@paginate(CappedLimitOffset, rows=_swot_rows)
def list_swots(request: AuthedHttpRequest) -> QuerySet[Swot]:
    """Your SWOT versions, the current (newest) first."""
    return plan_selectors.list_swots_for_user(user=request.user)


@router.post("/me/swots", response={201: SwotOut})
def create_swot(request: AuthedHttpRequest, payload: SwotIn) -> tuple[int, dict[str, Any]]:
    """A new version: the first, or the next one, starting as a copy of the current version
    (each list you leave out is copied forward)."""
    swot = plans.create_swot(owner=request.user, **_given(payload))
    return 201, _swot(swot, swot.pk)


@router.get("/me/swots/{swot_id}", response=SwotOut)
def get_swot(request: AuthedHttpRequest, swot_id: int) -> dict[str, Any]:
    swot = plan_selectors.get_swot_for_user(user=request.user, swot_id=swot_id)
    return _swot(swot, plan_selectors.current_swot_id(user=request.user))


@router.patch("/me/swots/{swot_id}", response=SwotOut)
def update_swot(request: AuthedHttpRequest, swot_id: int, payload: SwotPatch) -> dict[str, Any]:
    """Change the current version (earlier ones are kept as they were: 400)."""
    swot = plan_selectors.get_swot_for_user(user=request.user, swot_id=swot_id)
    changes = {k: v for k, v in _given(payload).items() if v is not None}
    swot = plans.update_swot(swot=swot, actor=request.user, **changes)
    return _swot(swot, swot.pk)


@router.delete("/me/swots/{swot_id}", response={204: None})
def delete_swot(request: AuthedHttpRequest, swot_id: int) -> tuple[int, None]:
    swot = plan_selectors.get_swot_for_user(user=request.user, swot_id=swot_id)
    plans.delete_swot(swot=swot, actor=request.user)
    return 204, None


# ----------------------------------------------------------------------------- vision
class VisionOut(Schema):
    statement: str
    qualities: Lines
    updated_at: dt.datetime
    reviewed_at: dt.datetime | None = Field(description="when you last revisited it")


class VisionIn(Schema):
    statement: str = Field(min_length=1, max_length=2000)
    qualities: Lines = Field(default_factory=list, max_length=plans.MAX_ITEMS)


def _vision(vision: Any) -> dict[str, Any]:
    return {
        "statement": vision.statement,
        "qualities": plans.lines_of(vision.qualities),
        "updated_at": vision.updated_at,
        "reviewed_at": vision.reviewed_at,
    }


@router.get("/me/vision", response=VisionOut)
def get_vision(request: AuthedHttpRequest) -> dict[str, Any]:
    """Your vision (404 until you write one)."""
    vision = plan_selectors.get_vision_for_user(user=request.user)
    if vision is None:
        raise Http404(_("You have not written your vision yet."))
    return _vision(vision)


@router.put("/me/vision", response=VisionOut)
def put_vision(request: AuthedHttpRequest, payload: VisionIn) -> dict[str, Any]:
    """Write or rewrite your vision."""
    vision = plans.set_vision(
        owner=request.user, statement=payload.statement, qualities="\n".join(payload.qualities)
    )
    return _vision(vision)


@router.post("/me/vision/review", response=VisionOut)
def review_vision(request: AuthedHttpRequest) -> dict[str, Any]:
    """ "I revisited it": stamps `reviewed_at`."""
    return _vision(plans.review_vision(owner=request.user))


# ----------------------------------------------------------------------------- plans
class PlanGoalOut(Schema):
    id: int
    title: str
    status: str
    progress: int


class PlanOut(Schema):
    id: int
    title: str
    starts_on: dt.date
    ends_on: dt.date
    focus_areas: Lines
    learning: Lines
    support: str
    review_on: dt.date | None
    goals: list[PlanGoalOut]
    created_at: dt.datetime
    updated_at: dt.datetime


class PlanIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    starts_on: dt.date
    ends_on: dt.date
    focus_areas: Lines = Field(default_factory=list, max_length=plans.MAX_ITEMS)
    learning: Lines = Field(default_factory=list, max_length=plans.MAX_ITEMS)
    support: str = Field("", max_length=5000)
    review_on: dt.date | None = None
    goals: list[int] = Field(
        default_factory=list, max_length=plans.MAX_PLAN_GOALS, description="ids of your goals"
    )


class PlanPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    focus_areas: Lines | None = Field(None, max_length=plans.MAX_ITEMS)
    learning: Lines | None = Field(None, max_length=plans.MAX_ITEMS)
    support: str | None = Field(None, max_length=5000)
    review_on: dt.date | None = None
    goals: list[int] | None = Field(None, max_length=plans.MAX_PLAN_GOALS)


def _plan(plan: DevelopmentPlan) -> dict[str, Any]:
    return {
        **{name: getattr(plan, name) for name in ("id", "title", "starts_on", "ends_on")},
        **{name: getattr(plan, name) for name in ("support", "review_on", "created_at")},
        "updated_at": plan.updated_at,
        "focus_areas": plans.lines_of(plan.focus_areas),
        "learning": plans.lines_of(plan.learning),
        "goals": plan_selectors.plan_goals(plan),
    }


def _plan_rows(request: AuthedHttpRequest, rows: list[DevelopmentPlan]) -> list[dict[str, Any]]:
    return [_plan(plan) for plan in rows]


def _plan_values(payload: Schema) -> dict[str, Any]:
    values = payload.model_dump(exclude_unset=True)
    for name in ("focus_areas", "learning"):
        if name in values:
            values[name] = _joined(values[name]) or ""
    for name in ("title", "starts_on", "ends_on", "support", "goals"):
        if name in values and values[name] is None:
            raise ServiceError(_("This field cannot be empty."), field=name)
    return values


@router.get("/me/plans", response=list[PlanOut])
@paginate(CappedLimitOffset, rows=_plan_rows)
def list_plans(request: AuthedHttpRequest) -> QuerySet[DevelopmentPlan]:
    """Your development plans, the latest period first, with their goals' progress."""
    return plan_selectors.with_goals(plan_selectors.list_plans_for_user(user=request.user))


def _reread(request: AuthedHttpRequest, plan: DevelopmentPlan) -> dict[str, Any]:
    return _plan(plan_selectors.get_plan_for_user(user=request.user, plan_id=plan.pk))


@router.post("/me/plans", response={201: PlanOut})
def create_plan(request: AuthedHttpRequest, payload: PlanIn) -> tuple[int, dict[str, Any]]:
    plan = plans.create_plan(owner=request.user, **_plan_values(payload))
    return 201, _reread(request, plan)


@router.get("/me/plans/{plan_id}", response=PlanOut)
def get_plan(request: AuthedHttpRequest, plan_id: int) -> dict[str, Any]:
    return _plan(plan_selectors.get_plan_for_user(user=request.user, plan_id=plan_id))


@router.patch("/me/plans/{plan_id}", response=PlanOut)
def update_plan(request: AuthedHttpRequest, plan_id: int, payload: PlanPatch) -> dict[str, Any]:
    """Change the fields you send (`goals` replaces the plan's goals)."""
    plan = plan_selectors.get_plan_for_user(user=request.user, plan_id=plan_id)
    plans.update_plan(plan=plan, actor=request.user, **_plan_values(payload))
    return _reread(request, plan)


@router.delete("/me/plans/{plan_id}", response={204: None})
def delete_plan(request: AuthedHttpRequest, plan_id: int) -> tuple[int, None]:
    plan = plan_selectors.get_plan_for_user(user=request.user, plan_id=plan_id)
    plans.delete_plan(plan=plan, actor=request.user)
    return 204, None


# ----------------------------------------------------------------------------- sharing
Subject = Literal["goal", "entry", "plan", "swot"]
SUBJECT_MODELS: dict[str, type[Goal | JournalEntry | DevelopmentPlan | Swot]] = {
    "goal": Goal,
    "entry": JournalEntry,
    "plan": DevelopmentPlan,
    "swot": Swot,
}


class AudienceOut(Schema):
    key: str = Field(description='"mentorship:<id>" or "circle:<id>", what POST /me/shares takes')
    label: str


class ShareIn(Schema):
    subject: Subject
    id: int = Field(
        ge=1, lt=2**63, description="the id of your goal, journal entry, plan or SWOT version"
    )
    audience: str = Field(max_length=40, description="a key from GET /me/audiences")


class ShareOut(Schema):
    id: int
    subject: Subject
    subject_id: int
    subject_title: str
    audience: str
    audience_label: str
    created_at: dt.datetime


def _share(share: Share) -> dict[str, Any]:
    name = plan_selectors.subject_name(share)
    key, label = plan_selectors.audience_of(share)
    return {
        "id": share.pk,
        "subject": name,
        "subject_id": getattr(share, f"{name}_id"),
        "subject_title": plan_selectors.subject_title(getattr(share, name)),
        "audience": key,
        "audience_label": label,
        "created_at": share.created_at,
    }


def _share_rows(request: AuthedHttpRequest, shares: list[Share]) -> list[dict[str, Any]]:
    return [_share(share) for share in shares]


@router.get("/me/audiences", response=list[AudienceOut])
def list_audiences(request: AuthedHttpRequest) -> list[dict[str, str]]:
    """Who you can share with: your mentor in each open mentorship, each of your circles."""
    return [{"key": a.key, "label": a.label} for a in services.audiences_for(request.user)]


@router.get("/me/shares", response=list[ShareOut])
@paginate(CappedLimitOffset, rows=_share_rows)
def list_shares(
    request: AuthedHttpRequest, subject: Subject | None = None, id: int | None = None
) -> QuerySet[Share]:
    """What you share, with whom; `?subject=goal&id=N` for one object's shares."""
    return plan_selectors.list_shares_for_user(user=request.user, subject=subject, subject_id=id)


@router.post("/me/shares", response={201: ShareOut})
def create_share(request: AuthedHttpRequest, payload: ShareIn) -> tuple[int, dict[str, Any]]:
    """Share one of yours with an audience of yours. Sharing it again with the same audience
    returns the same share."""
    model = SUBJECT_MODELS[payload.subject]
    subject = model._default_manager.filter(pk=payload.id, owner=request.user).first()
    if subject is None:
        raise Http404(_("Nothing of yours with that id."))
    audience = next(
        (a for a in services.audiences_for(request.user) if a.key == payload.audience), None
    )
    if audience is None:
        raise ServiceError(
            _("You can share it with your mentor or your circle only: see /me/audiences."),
            field="audience",
        )
    share = services.share(subject=subject, actor=request.user, audience=audience)
    return 201, _share(plan_selectors.get_my_share(user=request.user, share_id=share.pk))


@router.delete("/me/shares/{share_id}", response={204: None})
def delete_share(request: AuthedHttpRequest, share_id: int) -> tuple[int, None]:
    """Stop sharing: the audience no longer sees it."""
    share = plan_selectors.get_my_share(user=request.user, share_id=share_id)
    services.withdraw_share(share=share, actor=request.user)
    return 204, None
