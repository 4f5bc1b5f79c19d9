"""Coffee rounds as a programme kind (programs/kinds.py). Registered in apps.py."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from peerly.programs.kinds import DrawResult, Kind, Metric, NavItem

if TYPE_CHECKING:
    from ninja import Router

    from peerly.core.attention import AttentionItem
    from peerly.programs.models import Enrollment, Program


def _overlap_warning(number: int, overlapping: Sequence[Any]) -> tuple[str, ...]:
    if not overlapping:
        return ()
    numbers = ", ".join(str(r.number) for r in overlapping)
    return (
        f"round {number} overlaps open round {numbers}: its members will be in two groups at once",
    )


class CoffeeKind(Kind):
    code = "coffee"
    label = "Coffee rounds"
    app_label = "rounds"
    url_prefix = "coffee"
    urls_module = "peerly.rounds.urls"
    roles = ("participant",)

    @property
    def settings_model(self) -> Any:  # type: ignore[override]
        from peerly.rounds.models import CoffeeSettings

        return CoffeeSettings

    def create_settings(self, program: Program) -> None:
        from peerly.rounds import services

        services.create_settings(program=program)

    def clean_program(self, program: Program) -> dict[str, str]:
        """Errors in the programme's own fields that coffee rounds cannot run with
        ({field: message}): cadence weekly/fortnightly/monthly, groups of 2 to 4."""
        from peerly.rounds import services

        return services.program_field_errors(program=program)

    def api_router(self) -> Router | None:
        from peerly.rounds.api import router

        return router

    def _url(self, name: str, program: Program) -> str:
        return reverse(f"rounds:{name}", kwargs={"slug": program.slug})

    def member_url(self, program: Program) -> str | None:
        return self._url("program", program)

    def organiser_url(self, program: Program) -> str | None:
        return self._url("manage", program)

    def nav_items(self, program: Program, *, user: Any, is_organiser: bool) -> list[NavItem]:
        items = [NavItem("My rounds", self._url("program", program), "program")]
        if is_organiser:
            items += [
                NavItem("Rounds", self._url("manage", program), "manage"),
                NavItem("Round settings", self._url("settings", program), "settings"),
                NavItem("Report", self._url("report", program), "report"),
            ]
        return items

    def access_probe_urls(self, program: Program) -> dict[str, list[str]]:
        return {
            "member": [self._url("program", program)],
            "organiser": [
                self._url("manage", program),
                self._url("settings", program),
                self._url("report", program),
            ],
        }

    def attention_items(self, user: Any) -> list[AttentionItem]:
        from peerly.rounds.attention import attention_items

        return attention_items(user)

    def tick(self, *, now: dt.datetime) -> dict[str, int]:
        from peerly.rounds.ticks import tick

        return tick(now=now)

    def draw(
        self,
        program: Program,
        *,
        seed: int | None,
        dry_run: bool,
        actor: Any,
        allow_overlap: bool = False,
    ) -> DrawResult:
        from django.utils import timezone

        from peerly.rounds import reports, services

        if dry_run:
            preview = services.preview_round(program=program, seed=seed)
            f = preview.figures
            lines = [
                ", ".join(preview.users[u].name for u in g.user_ids) for g in preview.draw.groups
            ]
            lines += [
                f"unmatched: {preview.users[u.user_id].name} "
                f"({reports.reason_label(u.reason, u.detail)})"
                for u in preview.draw.unmatched
            ]
            warnings = _overlap_warning(preview.number, preview.overlapping)
            return DrawResult(
                summary=f"round {preview.number} (dry run, seed {preview.seed}): "
                f"{f['groups']} groups, {f['matched']} matched, {f['unmatched']} unmatched, "
                f"{f['repeat_pairs']} repeat pairs ({f['unavoidable_repeat_pairs']} "
                f"unavoidable), cross-team {f['cross_team_rate']:.0%}",
                seed=preview.seed,
                saved=False,
                lines=tuple(lines),
                counts={k: int(f[k]) for k in ("groups", "matched", "unmatched")},
                warnings=warnings,
            )
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

    def demo(
        self,
        *,
        program: Program,
        enrollments: Sequence[Enrollment],
        rng: random.Random,
        now: dt.datetime,
    ) -> None:
        from peerly.rounds.demo import populate

        populate(program=program, enrollments=list(enrollments), rng=rng, now=now)

    def metrics(self, program: Program) -> list[Metric]:
        from peerly.rounds.models import Round

        return [Metric("rounds", Round.objects.filter(program=program).count())]
