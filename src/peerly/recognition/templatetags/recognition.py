"""Recognition pieces other apps' pages show: a member's badges on their profile (as the
member chose: `selectors.list_badges_for_viewer`) and the links on a programme's page."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import PermissionDenied
from django.http import Http404

from peerly.recognition import selectors

register = template.Library()


@register.inclusion_tag("recognition/_profile_badges.html", takes_context=True)
def member_badges(context: dict[str, Any], member: Any) -> dict[str, Any]:
    request = context.get("request")
    viewer = getattr(request, "user", None)
    badges = (
        list(selectors.list_badges_for_viewer(viewer=viewer, member=member))
        if viewer is not None
        else []
    )
    return {"badges": badges, "is_own": viewer is not None and viewer.pk == member.pk}


@register.inclusion_tag("recognition/_program_links.html", takes_context=True)
def program_recognition(context: dict[str, Any], program: Any) -> dict[str, Any]:
    request = context.get("request")
    viewer = getattr(request, "user", None)
    try:
        access = selectors.program_for_member(viewer, program.slug)
    except (Http404, PermissionDenied):  # not a member: no links, nothing of the wall
        return {"shown": False}
    found = selectors.latest_celebration(program=program)
    return {
        "shown": True,
        "program": program,
        "is_organiser": access.is_organiser,
        "celebration": found[0] if found else None,
        "quotes": found[1] if found else [],
    }
