"""The member's SWOT versions, vision and development plans: their own pages (anybody else's is
a 404), the printable plan, and the read-only pages of what somebody shares with their mentor or
circle."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import paginate
from peerly.core.viewhelpers import service_errors
from peerly.core.viewhelpers import submitted
from peerly.growth import plan_selectors
from peerly.growth import plans
from peerly.growth import selectors
from peerly.growth.models import DevelopmentPlan
from peerly.growth.models import Swot
from peerly.growth.plan_forms import PlanForm
from peerly.growth.plan_forms import SwotForm
from peerly.growth.plan_forms import SwotVersionForm
from peerly.growth.plan_forms import VisionForm
from peerly.growth.views import _share_form
from peerly.growth.views import share_subject as _share
from peerly.growth.views import withdraw_share as _withdraw


# ----------------------------------------------------------------------------- sharing
def _sharing(request: AuthedHttpRequest, subject: Model, share_form: Any = None) -> dict[str, Any]:
    shares = selectors.shares_of(subject)  # type: ignore[arg-type]
    return {"shares": shares, "share_form": share_form or _share_form(request, shares)}


# ----------------------------------------------------------------------------- SWOT
def _swot_page(request: AuthedHttpRequest, swot: Swot | None, **forms: Any) -> HttpResponse:
    current_id = plan_selectors.current_swot_id(user=request.user)
    context: dict[str, Any] = {
        "swot": swot,
        "is_current": swot is not None and swot.pk == current_id,
    }
    if swot is not None:
        context |= {
            "lists": plan_selectors.swot_lists(swot),
            **_sharing(request, swot, forms.get("share_form")),
        }
    return render(request, "growth/swot_detail.html", context)


@login_required
@require_GET
def swot_current(request: AuthedHttpRequest) -> HttpResponse:
    """The current version of the member's SWOT (or how to start one)."""
    return _swot_page(request, plan_selectors.list_swots_for_user(user=request.user).first())


@login_required
@require_GET
def swot_detail(request: AuthedHttpRequest, swot_id: int) -> HttpResponse:
    return _swot_page(request, plan_selectors.get_swot_for_user(user=request.user, swot_id=swot_id))


@login_required
@require_http_methods(["GET", "POST"])
def swot_create(request: AuthedHttpRequest) -> HttpResponse:
    """The first version (label and four lists), or a new version copied from the current one
    (its name only; the lists are edited after)."""
    current = plan_selectors.list_swots_for_user(user=request.user).first()
    form_class = SwotVersionForm if current else SwotForm
    form = form_class(request.POST or None)
    if submitted(request, form, plans.create_swot, _("SWOT version saved."), owner=request.user):
        return redirect("growth:swot")
    return render(request, "growth/swot_form.html", {"form": form, "current": current})


@login_required
@require_http_methods(["GET", "POST"])
def swot_edit(request: AuthedHttpRequest, swot_id: int) -> HttpResponse:
    swot = plan_selectors.get_swot_for_user(user=request.user, swot_id=swot_id)
    if swot.pk != plan_selectors.current_swot_id(user=request.user):
        messages.error(request, _("Earlier versions are kept as they were: start a new version."))
        return redirect("growth:swot-detail", swot_id=swot.pk)
    initial = {name: getattr(swot, name) for name in ("label", *Swot.LISTS)}
    form = SwotForm(request.POST or None, initial=initial)
    if submitted(request, form, plans.update_swot, _("SWOT saved."), swot=swot, actor=request.user):
        return redirect("growth:swot")
    return render(request, "growth/swot_form.html", {"form": form, "swot": swot})


@login_required
@require_POST
def swot_delete(request: AuthedHttpRequest, swot_id: int) -> HttpResponse:
    swot = plan_selectors.get_swot_for_user(user=request.user, swot_id=swot_id)
    with service_errors(request, success=_("Version deleted.")):
        plans.delete_swot(swot=swot, actor=request.user)
    return redirect("growth:swot-versions")


@login_required
@require_GET
def swot_versions(request: AuthedHttpRequest) -> HttpResponse:
    versions = plan_selectors.list_swots_for_user(user=request.user)
    page = paginate(request, versions, per_page=50)
    return render(
        request,
        "growth/swot_versions.html",
        {"page": page, "choices": list(versions.values_list("pk", "label")[:200])},
    )


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@login_required
@require_GET
def swot_compare(request: AuthedHttpRequest) -> HttpResponse:
    """Two versions side by side (?a=ID&b=ID): what was added to or removed from each list.
    The earlier of the two is on the left, whatever the order asked."""
    versions = plan_selectors.list_swots_for_user(user=request.user)
    choices = list(versions.values_list("pk", "label")[:200])
    a_id, b_id = _id(request.GET.get("a")), _id(request.GET.get("b"))
    context: dict[str, Any] = {"choices": choices, "a_id": a_id, "b_id": b_id}
    if a_id is None or b_id is None or a_id == b_id:
        context["problem"] = _("Choose two different versions to compare.")
        return render(request, "growth/swot_compare.html", context)
    a = plan_selectors.get_swot_for_user(user=request.user, swot_id=a_id)
    b = plan_selectors.get_swot_for_user(user=request.user, swot_id=b_id)
    if (a.created_at, a.pk) > (b.created_at, b.pk):
        a, b = b, a
    context |= {"a": a, "b": b, "rows": plan_selectors.compare_swots(a, b)}
    return render(request, "growth/swot_compare.html", context)


@login_required
@require_POST
def swot_share(request: AuthedHttpRequest, swot_id: int) -> HttpResponse:
    swot = plan_selectors.get_swot_for_user(user=request.user, swot_id=swot_id)
    return _share(request, swot, _swot_page, redirect("growth:swot-detail", swot_id=swot.pk))


@login_required
@require_POST
def swot_withdraw(request: AuthedHttpRequest, swot_id: int, share_id: int) -> HttpResponse:
    swot = plan_selectors.get_swot_for_user(user=request.user, swot_id=swot_id)
    return _withdraw(request, swot, share_id, redirect("growth:swot-detail", swot_id=swot.pk))


@login_required
@require_GET
def shared_swot(request: AuthedHttpRequest, swot_id: int) -> HttpResponse:
    """A SWOT version somebody shares with the viewer as their mentor or circle: read only."""
    swot = selectors.get_shared_for_user(user=request.user, model=Swot, pk=swot_id)
    return render(
        request,
        "growth/shared_swot.html",
        {"swot": swot, "lists": plan_selectors.swot_lists(swot)},
    )


# ----------------------------------------------------------------------------- vision
@login_required
@require_http_methods(["GET", "POST"])
def vision(request: AuthedHttpRequest) -> HttpResponse:
    mine = plan_selectors.get_vision_for_user(user=request.user)
    initial = {"statement": mine.statement, "qualities": mine.qualities} if mine else None
    form = VisionForm(request.POST or None, initial=initial)
    if submitted(request, form, plans.set_vision, _("Vision saved."), owner=request.user):
        return redirect("growth:home")
    return render(request, "growth/vision_form.html", {"form": form, "vision": mine})


@login_required
@require_POST
def vision_review(request: AuthedHttpRequest) -> HttpResponse:
    """ "I revisited it": the date the member last reread their vision."""
    with service_errors(request, success=_("Noted: you revisited your vision today.")):
        plans.review_vision(owner=request.user)
    return redirect("growth:home")


# ----------------------------------------------------------------------------- plans
@login_required
@require_GET
def plan_list(request: AuthedHttpRequest) -> HttpResponse:
    page = paginate(request, plan_selectors.list_plans_for_user(user=request.user), per_page=20)
    return render(request, "growth/plan_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthedHttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Plan saved.")) as outcome:
            plan = plans.create_plan(owner=request.user, **form.cleaned_data)
        if outcome.ok:
            return redirect("growth:plan-detail", plan_id=plan.pk)
    return render(request, "growth/plan_form.html", {"form": form, "plan": None})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_selectors.get_plan_for_user(user=request.user, plan_id=plan_id)
    initial = {name: getattr(plan, name) for name in plans.PLAN_FIELDS if name != "goals"}
    initial["goals"] = list(plan.goals.all())
    form = PlanForm(request.POST or None, owner=request.user, initial=initial)
    if submitted(request, form, plans.update_plan, _("Plan saved."), plan=plan, actor=request.user):
        return redirect("growth:plan-detail", plan_id=plan.pk)
    return render(request, "growth/plan_form.html", {"form": form, "plan": plan})


def _plan_context(plan: DevelopmentPlan) -> dict[str, Any]:
    return {
        "plan": plan,
        "goals": plan_selectors.plan_goals(plan),
        "focus_areas": plans.lines_of(plan.focus_areas),
        "learning": plans.lines_of(plan.learning),
    }


def _plan_page(request: AuthedHttpRequest, plan: DevelopmentPlan, **forms: Any) -> HttpResponse:
    context = _plan_context(plan) | _sharing(request, plan, forms.get("share_form"))
    return render(request, "growth/plan_detail.html", context)


@login_required
@require_GET
def plan_detail(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    return _plan_page(request, plan_selectors.get_plan_for_user(user=request.user, plan_id=plan_id))


@login_required
@require_GET
def plan_print(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    """The plan as a clean printable page (no navigation; the browser prints it, or saves it
    as a PDF)."""
    plan = plan_selectors.get_plan_for_user(user=request.user, plan_id=plan_id)
    return render(request, "growth/plan_print.html", _plan_context(plan))


@login_required
@require_POST
def plan_delete(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_selectors.get_plan_for_user(user=request.user, plan_id=plan_id)
    with service_errors(request, success=_("Plan deleted.")) as outcome:
        plans.delete_plan(plan=plan, actor=request.user)
    if outcome.ok:
        return redirect("growth:plan-list")
    return redirect("growth:plan-detail", plan_id=plan.pk)


@login_required
@require_POST
def plan_share(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_selectors.get_plan_for_user(user=request.user, plan_id=plan_id)
    return _share(request, plan, _plan_page, redirect("growth:plan-detail", plan_id=plan.pk))


@login_required
@require_POST
def plan_withdraw(request: AuthedHttpRequest, plan_id: int, share_id: int) -> HttpResponse:
    plan = plan_selectors.get_plan_for_user(user=request.user, plan_id=plan_id)
    return _withdraw(request, plan, share_id, redirect("growth:plan-detail", plan_id=plan.pk))


@login_required
@require_GET
def shared_plan(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    """A plan somebody shares with the viewer as their mentor or circle: read only, with its
    goals' progress (not the goals' own pages, unless those are shared too)."""
    plan = plan_selectors.get_shared_plan_for_user(user=request.user, plan_id=plan_id)
    return render(request, "growth/shared_plan.html", _plan_context(plan))
