"""The mentee's goals in a mentorship (issue 13): set at orientation ("Personal goals set"),
shared with the mentor by the mentee's choice, moved in the monthly reports.

The goals themselves are the mentee's, in their growth space (`peerly.growth`): these
functions only call growth's services (create, share, check in) inside the mentorship's
transaction, so a goal, its share and the orientation tick are saved together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.core.errors import ServiceError
from peerly.core.errors import TransitionError
from peerly.core.models import text_lines
from peerly.growth import selectors as growth_selectors
from peerly.growth import services as growth_services
from peerly.growth.models import Goal
from peerly.growth.models import Horizon
from peerly.growth.models import ProgressMode
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MonthlyReport
from peerly.mentorship.services._common import M
from peerly.mentorship.services._common import _lock
from peerly.mentorship.services._common import _require_mentee_of
from peerly.mentorship.services.orientation import set_orientation_item


@dataclass(frozen=True)
class GoalProgress:
    """What a monthly report says about one shared goal: a new percentage and/or what moved."""

    goal: Goal
    percent: int | None = None
    moved: str = ""

    @property
    def is_empty(self) -> bool:
        return self.percent is None and not self.moved.strip()


def title_from(text: str) -> str:
    """A goal title from a free text (an application's goals): its first line, cut to fit
    (the same rule as the migration of the old free-text goals, growth 0005)."""
    lines = text_lines(text)
    return lines[0][: Goal._meta.get_field("title").max_length] if lines else ""  # type: ignore[misc]


def _mentor_audience(actor: User, ms: Mentorship) -> growth_services.Audience | None:
    key = f"mentorship:{ms.pk}"
    return next((a for a in growth_services.audiences_for(actor) if a.key == key), None)


@transaction.atomic
def set_goal(
    *,
    actor: User,
    mentorship: Mentorship,
    title: str,
    why: str = "",
    measure: str = "",
    target_on: dt.date | None = None,
    horizon: str = Horizon.SHORT,
    progress_mode: str = ProgressMode.PERCENT,
    milestones: list[tuple[str, dt.date | None]] | None = None,
    share_with_mentor: bool = True,
) -> Goal:
    """A new goal of the mentee, linked to the mentorship's programme, with its milestones;
    shown to the mentor if the mentee chooses (`share_with_mentor`); during orientation it
    ticks "Personal goals set". Goal, share and tick are one transaction, each audited."""
    ms = _lock(mentorship)
    _require_mentee_of(actor, ms)
    if not ms.is_running:
        raise TransitionError(
            _("Goals are set here once your mentor has accepted you (this mentorship is %s).")
            % ms.get_status_display().lower()
        )
    goal = growth_services.create_goal(
        owner=actor,
        title=title,
        why=why,
        measure=measure,
        target_on=target_on,
        horizon=horizon,
        progress_mode=progress_mode,
        program=ms.program,
        milestones=milestones,
    )
    if share_with_mentor:
        audience = _mentor_audience(actor, ms)
        if audience is None:  # a running mentorship has a mentor: the database says so
            raise ServiceError(_("There is no mentor to share it with."), field="share_with_mentor")
        growth_services.share(subject=goal, actor=actor, audience=audience)
    if ms.status == M.ORIENTATION:
        set_orientation_item(actor=actor, mentorship=ms, item="goals", done=True)
    return goal


def record_progress(*, actor: User, report: MonthlyReport, progress: Sequence[GoalProgress]) -> int:
    """One check-in (`report` set) per goal the report says something about; only goals the
    mentee shares with this mentorship's mentor. Runs inside `file_report`'s transaction: a
    refusal undoes the report too. Returns how many check-ins were recorded."""
    shared = set(
        growth_selectors.goals_the_mentee_shares(mentorship=report.mentorship).values_list(
            "pk", flat=True
        )
    )
    recorded = 0
    for item in progress:
        if item.is_empty:
            continue
        field = f"goal_{item.goal.pk}"
        if item.goal.pk not in shared or item.goal.owner_id != actor.pk:
            raise ServiceError(
                _("Only goals you share with your mentor can be reported on here."),
                field=f"{field}_moved",
            )
        try:
            growth_services.check_in(
                goal=item.goal,
                actor=actor,
                moved=item.moved,
                percent=item.percent,
                report=report,
            )
        except ServiceError as exc:
            raise ServiceError(
                f"{item.goal.title}: {exc.message}", field=f"{field}_{exc.field or 'moved'}"
            ) from exc
        recorded += 1
    return recorded
