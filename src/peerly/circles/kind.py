"""Peer-coaching circles as a programme kind (programs/kinds.py). Registered in apps.py
(models are loaded by then)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING
from typing import Any

from django.utils.translation import gettext_lazy

from peerly.circles import api
from peerly.circles import attention
from peerly.circles import calendar
from peerly.circles import demo
from peerly.circles import feedback
from peerly.circles import services
from peerly.circles import ticks
from peerly.circles.models import MAX_CIRCLE_SIZE
from peerly.circles.models import MIN_CIRCLE_SIZE
from peerly.circles.models import CircleSettings
from peerly.circles.models import Season
from peerly.programs.kinds import DrawResult
from peerly.programs.kinds import Hooks
from peerly.programs.kinds import Kind
from peerly.programs.kinds import NavLink

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
    label = gettext_lazy("Peer-coaching circles")
    app_label = "circles"
    url_prefix = "circles"
    hooks = Hooks.of(
        services=services,
        api=api,
        attention=attention,
        ticks=ticks,
        demo=demo,
        feedback=feedback,
        calendar=calendar,
    )
    settings_model = CircleSettings
    counted = (("seasons", Season),)
    group_sizes = (MIN_CIRCLE_SIZE, MAX_CIRCLE_SIZE)
    member_nav = (
        NavLink(gettext_lazy("My circle"), "program", "program"),
        NavLink(gettext_lazy("People I know"), "known", "known"),
        NavLink(gettext_lazy("Guides"), "guide", "guide", kwargs=(("name", "method"),)),
    )
    organiser_nav = (
        NavLink(gettext_lazy("Circles"), "manage", "manage"),
        NavLink(gettext_lazy("Circle settings"), "manage-settings", "settings"),
        NavLink(gettext_lazy("Form a season"), "manage-form", "form"),
    )

    def preview_draw(self, program: Program, *, seed: int) -> DrawResult:
        from peerly.circles import services

        number = services.next_season_number(program=program)
        plan = services.preview_season(
            program=program, seed=seed, starts_on=services.default_start()
        )
        m = plan.metrics
        return DrawResult(
            summary=f"season {number} of {program.slug}: {m['circles']} circles, "
            f"{m['placed']}/{m['members']} members placed (seed {seed}); dry run: nothing saved",
            seed=seed,
            saved=False,
            lines=tuple(plan_lines(plan)),
            counts={"circles": int(m["circles"]), "placed": int(m["placed"])},  # type: ignore[call-overload]
        )

    def publish_draw(
        self, program: Program, *, seed: int, actor: Any, allow_overlap: bool
    ) -> DrawResult:
        """The preview's plan and counts, saved: the summary says what was published."""
        from peerly.circles import services

        planned = self.preview_draw(program, seed=seed)
        season, created = services.publish_season(
            actor=actor,
            program=program,
            number=services.next_season_number(program=program),
            seed=seed,
            starts_on=services.default_start(),
            allow_overlap=allow_overlap,
        )
        verb = "published" if created else "already published"
        return replace(
            planned,
            summary=f"season {season.number} {verb}: {season.circles.count()} circles",
            saved=created,
        )
