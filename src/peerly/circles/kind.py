"""Peer-coaching circles as a programme kind (programs/kinds.py). Registered in apps.py
(models are loaded by then)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from peerly.circles import api, attention, demo, services, ticks
from peerly.circles.models import CircleSettings, Season
from peerly.programs.kinds import DrawResult, Hooks, Kind, NavLink, fresh_seed

if TYPE_CHECKING:
    from peerly.circles.matching_bridge import FormationPlan
    from peerly.programs.models import Program


def plan_lines(plan: FormationPlan) -> list[str]:
    """One line per circle of a formation plan, then one per member left out (draw and CLI)."""
    lines = [
        f"circle {i}: users {', '.join(map(str, c.user_ids))} · {c.overlap_hours} h common"
        for i, c in enumerate(plan.circles, start=1)
    ]
    lines += [f"not placed: user {u.user_id}: {u.reason} ({u.detail})" for u in plan.unmatched]
    return lines


class CircleKind(Kind):
    code = "circle"
    label = "Peer-coaching circles"
    app_label = "circles"
    url_prefix = "circles"
    urls_module = "peerly.circles.urls"
    roles = ("participant",)
    hooks = Hooks.of(services=services, api=api, attention=attention, ticks=ticks, demo=demo)
    member_page, organiser_page = "program", "manage"
    probe_pages: ClassVar[dict[str, tuple[str, ...]]] = {
        "member": ("program",),
        "organiser": ("manage", "manage-settings", "manage-form"),
    }
    settings_model = CircleSettings
    counted = (("seasons", Season),)
    member_nav = (
        NavLink("My circle", "program", "program"),
        NavLink("People I know", "known", "known"),
        NavLink("Guides", "guide", "guide", kwargs=(("name", "method"),)),
    )
    organiser_nav = (
        NavLink("Circles", "manage", "manage"),
        NavLink("Circle settings", "manage-settings", "settings"),
        NavLink("Form a season", "manage-form", "form"),
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
        from peerly.circles import services

        seed = fresh_seed() if seed is None else seed
        starts_on = services.default_start()
        number = services.next_season_number(program=program)
        plan = services.preview_season(program=program, seed=seed, starts_on=starts_on)
        m = plan.metrics
        lines = plan_lines(plan)
        head = (
            f"season {number} of {program.slug}: {m['circles']} circles, "
            f"{m['placed']}/{m['members']} members placed (seed {seed})"
        )
        counts = {"circles": int(m["circles"]), "placed": int(m["placed"])}  # type: ignore[call-overload]
        if dry_run:
            return DrawResult(
                summary=f"{head}; dry run: nothing saved",
                seed=seed,
                saved=False,
                lines=tuple(lines),
                counts=counts,
            )
        season, created = services.publish_season(
            actor=actor,
            program=program,
            number=number,
            seed=seed,
            starts_on=starts_on,
            allow_overlap=allow_overlap,
        )
        verb = "published" if created else "already published"
        return DrawResult(
            summary=f"season {season.number} {verb}: {season.circles.count()} circles",
            seed=seed,
            saved=created,
            lines=tuple(lines),
            counts=counts,
        )
