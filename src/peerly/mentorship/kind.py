"""Mentorship as a programme kind (programs/kinds.py). Registered in apps.py (models are
loaded by then)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from peerly.mentorship import api, attention, demo, services, ticks
from peerly.mentorship.models import Mentorship, MentorshipSettings
from peerly.programs.kinds import DrawResult, Hooks, Kind, NavLink, fresh_seed

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


class MentorshipKind(Kind):
    code = "mentorship"
    label = "Mentorship"
    app_label = "mentorship"
    url_prefix = "mentorship"
    urls_module = "peerly.mentorship.urls"
    roles = ("mentee", "mentor")
    self_enrol_roles = ("mentee",)  # mentors are nominated, not self-enrolled
    hooks = Hooks.of(services=services, api=api, attention=attention, ticks=ticks, demo=demo)
    member_page, organiser_page = "program", "manage"
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
        NavLink("My mentorship", "program", "program"),
        NavLink("Mentors", "mentor-list", "mentors"),
    )
    organiser_nav = (
        NavLink("Dashboard", "manage", "manage"),
        NavLink("Assign applicants", "manage-assign", "assign"),
        NavLink("Auto-assign", "manage-auto-assign", "auto-assign"),
        NavLink("Feedback round", "manage-reviews", "reviews"),
        NavLink("Validated requests", "manage-requests", "requests"),
        NavLink("Settings", "manage-settings", "settings"),
    )

    def draw(
        self,
        program: Program,
        *,
        seed: int | None,
        dry_run: bool,
        actor: Any,
        allow_overlap: bool = False,
    ) -> DrawResult:
        from peerly.mentorship import services

        seed = fresh_seed() if seed is None else seed
        plan = services.plan_batch(program=program, method="optimal", seed=seed)
        lines = plan_lines(plan)
        planned = [(r.mentorship.pk, r.mentor.pk) for r in plan if r.mentor is not None]
        if dry_run:
            return DrawResult(
                summary=f"dry run: {len(planned)} of {len(plan)} applicant(s) would be "
                "assigned (optimal); nothing saved",
                seed=seed,
                saved=False,
                lines=tuple(lines),
                counts={"planned": len(planned), "applicants": len(plan)},
            )
        done, failed = services.apply_batch(actor=actor, program=program, pairs=planned)
        return DrawResult(
            summary=f"assigned {len(done)} of {len(plan)} applicant(s) (optimal)",
            seed=seed,
            saved=bool(done),
            lines=tuple(lines),
            counts={"assigned": len(done), "failed": len(failed), "applicants": len(plan)},
            warnings=tuple(f"application {ms_id}: {problem}" for ms_id, problem in failed),
        )
