"""Peer-coaching circles as a programme kind (programs/kinds.py). Registered in apps.py."""

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


class CircleKind(Kind):
    code = "circle"
    label = "Peer-coaching circles"
    app_label = "circles"
    url_prefix = "circles"
    urls_module = "peerly.circles.urls"
    roles = ("participant",)

    @property
    def settings_model(self) -> Any:  # type: ignore[override]
        from peerly.circles.models import CircleSettings

        return CircleSettings

    def create_settings(self, program: Program) -> None:
        from peerly.circles import services

        services.create_settings(program=program)

    def api_router(self) -> Router | None:
        from peerly.circles.api import router

        return router

    def _url(self, url_name: str, program: Program, **kwargs: Any) -> str:
        return reverse(f"circles:{url_name}", kwargs={"slug": program.slug, **kwargs})

    def member_url(self, program: Program) -> str | None:
        return self._url("program", program)

    def organiser_url(self, program: Program) -> str | None:
        return self._url("manage", program)

    def nav_items(self, program: Program, *, user: Any, is_organiser: bool) -> list[NavItem]:
        items = [
            NavItem("My circle", self._url("program", program), "program"),
            NavItem("People I know", self._url("known", program), "known"),
            NavItem("Guides", self._url("guide", program, name="method"), "guide"),
        ]
        if is_organiser:
            items += [
                NavItem("Circles", self._url("manage", program), "manage"),
                NavItem("Circle settings", self._url("manage-settings", program), "settings"),
                NavItem("Form a season", self._url("manage-form", program), "form"),
            ]
        return items

    def access_probe_urls(self, program: Program) -> dict[str, list[str]]:
        return {
            "member": [self._url("program", program)],
            "organiser": [
                self._url("manage", program),
                self._url("manage-settings", program),
                self._url("manage-form", program),
            ],
        }

    def attention_items(self, user: Any) -> list[AttentionItem]:
        from peerly.circles.attention import attention_items

        return attention_items(user)

    def tick(self, *, now: dt.datetime) -> dict[str, int]:
        from peerly.circles.ticks import tick

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
        from peerly.circles import services

        seed = 1 if seed is None else seed
        starts_on = services.default_start()
        number = services.next_season_number(program=program)
        plan = services.preview_season(program=program, seed=seed, starts_on=starts_on)
        m = plan.metrics
        lines = [
            f"circle {i}: users {', '.join(map(str, c.user_ids))} · {c.overlap_hours} h common"
            for i, c in enumerate(plan.circles, start=1)
        ]
        lines += [f"not placed: user {u.user_id}: {u.reason} ({u.detail})" for u in plan.unmatched]
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

    def demo(
        self,
        *,
        program: Program,
        enrollments: Sequence[Enrollment],
        rng: random.Random,
        now: dt.datetime,
    ) -> None:
        from peerly.circles.demo import populate

        populate(program=program, enrollments=list(enrollments), rng=rng, now=now)

    def metrics(self, program: Program) -> list[Metric]:
        from peerly.circles.models import Season

        return [Metric("seasons", Season.objects.filter(program=program).count())]
