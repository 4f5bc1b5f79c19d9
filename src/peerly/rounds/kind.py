"""Coffee rounds as a programme kind (programs/kinds.py). Registered in apps.py (models are
loaded by then)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from django.utils.translation import gettext_lazy

from peerly.programs.kinds import DrawResult
from peerly.programs.kinds import Hooks
from peerly.programs.kinds import Kind
from peerly.programs.kinds import NavLink
from peerly.rounds import api
from peerly.rounds import attention
from peerly.rounds import calendars
from peerly.rounds import demo
from peerly.rounds import feedback
from peerly.rounds import services
from peerly.rounds import ticks
from peerly.rounds.models import MAX_GROUP_SIZE
from peerly.rounds.models import MIN_GROUP_SIZE
from peerly.rounds.models import CoffeeSettings
from peerly.rounds.models import Round

if TYPE_CHECKING:
    from peerly.programs.models import Program


def _overlap_warning(number: int, overlapping: Sequence[Any]) -> tuple[str, ...]:
    if not overlapping:
        return ()
    numbers = ", ".join(str(r.number) for r in overlapping)
    return (
        f"round {number} overlaps open round {numbers}: its members will be in two groups at once",
    )


class CoffeeKind(Kind):
    code = "coffee"
    label = gettext_lazy("Coffee rounds")
    app_label = "rounds"
    url_prefix = "coffee"
    hooks = Hooks.of(
        services=services,
        api=api,
        attention=attention,
        ticks=ticks,
        demo=demo,
        feedback=feedback,
        calendar=calendars,
    )
    settings_model = CoffeeSettings
    counted = (("rounds", Round),)
    group_sizes = (MIN_GROUP_SIZE, MAX_GROUP_SIZE)
    member_nav = (NavLink(gettext_lazy("My rounds"), "program", "program"),)
    organiser_nav = (
        NavLink(gettext_lazy("Rounds"), "manage", "manage"),
        NavLink(gettext_lazy("Round settings"), "manage-settings", "settings"),
        NavLink(gettext_lazy("Report"), "manage-report", "report"),
    )

    def clean_program(self, program: Program) -> dict[str, str]:
        """Errors in the programme's own fields that coffee rounds cannot run with
        ({field: message}): cadence weekly/fortnightly/monthly, groups of 2 to 4."""
        from peerly.rounds import services

        return services.program_field_errors(program=program)

    def preview_draw(self, program: Program, *, seed: int) -> DrawResult:
        from peerly.rounds import reports
        from peerly.rounds import services

        preview = services.preview_round(program=program, seed=seed)
        f = preview.figures
        lines = [", ".join(preview.users[u].name for u in g.user_ids) for g in preview.draw.groups]
        lines += [
            f"unmatched: {preview.users[u.user_id].name} "
            f"({reports.reason_label(u.reason, u.detail)})"
            for u in preview.draw.unmatched
        ]
        return DrawResult(
            summary=f"round {preview.number} (dry run, seed {preview.seed}): "
            f"{f['groups']} groups, {f['matched']} matched, {f['unmatched']} unmatched, "
            f"{f['repeat_pairs']} repeat pairs ({f['unavoidable_repeat_pairs']} "
            f"unavoidable), cross-team {f['cross_team_rate']:.0%}",
            seed=preview.seed,
            saved=False,
            lines=tuple(lines),
            counts={k: int(f[k]) for k in ("groups", "matched", "unmatched")},
            warnings=_overlap_warning(preview.number, preview.overlapping),
        )

    def publish_draw(
        self, program: Program, *, seed: int, actor: Any, allow_overlap: bool
    ) -> DrawResult:
        from django.utils import timezone

        from peerly.rounds import services

        overlapping = (
            services.rounds_in_the_way(program=program, now=timezone.now()) if allow_overlap else []
        )
        round_, created = services.publish_round(
            program=program, actor=actor, seed=seed, allow_overlap=allow_overlap
        )
        groups, unmatched = round_.groups.count(), round_.unmatched.count()
        verb = "published" if created else "already published"
        return DrawResult(
            summary=f"round {round_.number} {verb}: {groups} groups, {unmatched} unmatched",
            seed=round_.seed,
            saved=created,
            counts={"groups": groups, "unmatched": unmatched},
            warnings=_overlap_warning(round_.number, overlapping),
        )
