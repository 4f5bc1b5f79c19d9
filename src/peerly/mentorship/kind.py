"""Mentorship as a programme kind (programs/kinds.py). Registered in apps.py (models are
loaded by then)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from django.utils.translation import gettext_lazy

from peerly.mentorship import api
from peerly.mentorship import attention
from peerly.mentorship import demo
from peerly.mentorship import feedback
from peerly.mentorship import services
from peerly.mentorship import ticks
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorshipSettings
from peerly.programs.kinds import DrawResult
from peerly.programs.kinds import Hooks
from peerly.programs.kinds import Kind
from peerly.programs.kinds import NavLink

if TYPE_CHECKING:
    from peerly.programs.models import Program


def plan_lines(plan: Sequence[Any]) -> list[str]:
    """One tab-separated line per applicant of an assignment plan (draw and CLI):
    mentee, mentor (or -), score and reasons (or why nobody fits)."""
    lines = []
    for row in plan:
        mentee = row.mentorship.mentee
        if row.mentor is None:
            lines.append(f"{mentee.email}\t-\t{row.reason}")
        else:
            reasons = "; ".join(row.suggestion.reasons) if row.suggestion else ""
            lines.append(f"{mentee.email}\t{row.mentor.user.email}\t{row.score:.3f}\t{reasons}")
    return lines


def _applicants(n: int) -> str:
    return f"{n} applicant" if n == 1 else f"{n} applicants"


class MentorshipKind(Kind):
    code = "mentorship"
    label = gettext_lazy("Mentorship")
    app_label = "mentorship"
    url_prefix = "mentorship"
    roles = ("mentee", "mentor")
    self_enrol_roles = ("mentee",)  # mentors are nominated, not self-enrolled
    hooks = Hooks.of(
        services=services,
        api=api,
        attention=attention,
        ticks=ticks,
        demo=demo,
        feedback=feedback,
    )
    probe_pages: ClassVar[dict[str, tuple[str, ...]]] = {
        "viewer": ("program",),  # where people apply
        "member": ("mentor-list",),
        "organiser": (
            "manage",
            "manage-assign",
            "manage-reviews",
            "manage-requests",
            "manage-settings",
        ),
    }
    settings_model = MentorshipSettings
    counted = (("mentorships", Mentorship),)
    member_nav = (
        NavLink(gettext_lazy("My mentorship"), "program", "program"),
        NavLink(gettext_lazy("Mentors"), "mentor-list", "mentors"),
    )
    organiser_nav = (
        NavLink(gettext_lazy("Dashboard"), "manage", "manage"),
        NavLink(gettext_lazy("Assign applicants"), "manage-assign", "assign"),
        NavLink(gettext_lazy("Auto-assign"), "manage-auto-assign", "auto-assign"),
        NavLink(gettext_lazy("Feedback round"), "manage-reviews", "reviews"),
        NavLink(gettext_lazy("Validated requests"), "manage-requests", "requests"),
        NavLink(gettext_lazy("Settings"), "manage-settings", "settings"),
    )

    def preview_draw(self, program: Program, *, seed: int) -> DrawResult:
        plan, planned = self._plan(program, seed)
        return DrawResult(
            summary=f"dry run: {len(planned)} of {_applicants(len(plan))} would be "
            "assigned (optimal); nothing saved",
            seed=seed,
            saved=False,
            lines=tuple(plan_lines(plan)),
            counts={"planned": len(planned), "applicants": len(plan)},
        )

    def publish_draw(
        self, program: Program, *, seed: int, actor: Any, allow_overlap: bool
    ) -> DrawResult:
        from peerly.mentorship import services

        plan, planned = self._plan(program, seed)
        lines = plan_lines(plan)
        done, failed = services.apply_batch(actor=actor, program=program, pairs=planned)
        return DrawResult(
            summary=f"assigned {len(done)} of {_applicants(len(plan))} (optimal)",
            seed=seed,
            saved=bool(done),
            lines=tuple(lines),
            counts={"assigned": len(done), "failed": len(failed), "applicants": len(plan)},
            warnings=tuple(f"application {ms_id}: {problem}" for ms_id, problem in failed),
        )

    @staticmethod
    def _plan(program: Program, seed: int) -> tuple[list[Any], list[tuple[int, int]]]:
        from peerly.mentorship import services

        plan = services.plan_batch(program=program, method="optimal", seed=seed)
        return plan, [(r.mentorship.pk, r.mentor.pk) for r in plan if r.mentor is not None]
