"""Mentorship as a programme kind (programs/kinds.py). Registered in apps.py."""

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


class MentorshipKind(Kind):
    code = "mentorship"
    label = "Mentorship"
    app_label = "mentorship"
    url_prefix = "mentorship"
    urls_module = "peerly.mentorship.urls"
    roles = ("mentee", "mentor")
    self_enrol_roles = ("mentee",)  # mentors are nominated, not self-enrolled

    @property
    def settings_model(self) -> Any:  # type: ignore[override]
        from peerly.mentorship.models import MentorshipSettings

        return MentorshipSettings

    def create_settings(self, program: Program) -> None:
        from peerly.mentorship import services

        services.create_settings(program)

    def api_router(self) -> Router | None:
        from peerly.mentorship.api import router

        return router

    def _url(self, name: str, program: Program) -> str:
        return reverse(f"mentorship:{name}", kwargs={"slug": program.slug})

    def member_url(self, program: Program) -> str | None:
        return self._url("program", program)

    def organiser_url(self, program: Program) -> str | None:
        return self._url("manage", program)

    def nav_items(self, program: Program, *, user: Any, is_organiser: bool) -> list[NavItem]:
        items = [
            NavItem("My mentorship", self._url("program", program), "program"),
            NavItem("Mentors", self._url("mentor-list", program), "mentors"),
        ]
        if is_organiser:
            items += [
                NavItem("Dashboard", self._url("manage", program), "manage"),
                NavItem("Assign applicants", self._url("manage-assign", program), "assign"),
                NavItem("Auto-assign", self._url("manage-auto-assign", program), "auto-assign"),
                NavItem("Feedback round", self._url("manage-reviews", program), "reviews"),
                NavItem("Validated requests", self._url("manage-requests", program), "requests"),
                NavItem("Settings", self._url("manage-settings", program), "settings"),
            ]
        return items

    def access_probe_urls(self, program: Program) -> dict[str, list[str]]:
        return {
            "viewer": [self._url("program", program)],  # where people apply
            "member": [self._url("mentor-list", program)],
            "organiser": [
                self._url("manage", program),
                self._url("manage-assign", program),
                self._url("manage-reviews", program),
                self._url("manage-requests", program),
                self._url("manage-settings", program),
            ],
        }

    def attention_items(self, user: Any) -> list[AttentionItem]:
        from peerly.mentorship.attention import attention_items

        return attention_items(user)

    def tick(self, *, now: dt.datetime) -> dict[str, int]:
        from peerly.mentorship.ticks import tick

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
        from peerly.mentorship import services

        seed = 0 if seed is None else seed
        plan = services.plan_batch(program=program, method="optimal", seed=seed)
        lines = []
        for row in plan:
            mentee = row.mentorship.mentee
            if row.mentor is None:
                lines.append(f"{mentee.email}\t-\t{row.reason}")
            else:
                lines.append(f"{mentee.email}\t{row.mentor.user.email}\t{row.score:.3f}")
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

    def demo(
        self,
        *,
        program: Program,
        enrollments: Sequence[Enrollment],
        rng: random.Random,
        now: dt.datetime,
    ) -> None:
        from peerly.mentorship.demo import populate

        populate(program=program, enrollments=list(enrollments), rng=rng, now=now)

    def metrics(self, program: Program) -> list[Metric]:
        from peerly.mentorship.models import Mentorship

        return [Metric("mentorships", Mentorship.objects.filter(program=program).count())]
