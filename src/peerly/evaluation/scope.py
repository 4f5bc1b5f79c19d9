"""The filters of the evaluation pages (kpi.FILTERS): a team, as members let organisers see
it. `team_choices` lists the teams that may be chosen (at least MIN_PEOPLE of the programme's
members show that team to organisers); `team_members` is the queryset of their user ids that
a metric's `compute(…, members=…)` narrows its people to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count
from django.db.models import QuerySet

from peerly.accounts.models import Profile
from peerly.accounts.models import Visibility
from peerly.accounts.selectors import visible_q
from peerly.core.aggregates import MIN_PEOPLE
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus

if TYPE_CHECKING:
    from peerly.programs.models import Program

TAKING_PART = (EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED, EnrollmentStatus.LEFT)


def _profiles(program: Program | None) -> QuerySet[Profile]:
    """Profiles whose team organisers may see, of the programme's members (ever enrolled)."""
    profiles = Profile.objects.filter(visible_q(field="team", level=Visibility.ORGANISERS)).exclude(
        team=""
    )
    if program is not None:
        enrolled = Enrollment.objects.filter(program=program, status__in=TAKING_PART)
        profiles = profiles.filter(user_id__in=enrolled.values("user_id"))
    return profiles


def team_choices(program: Program | None) -> list[str]:
    """The teams a filter may name: shown to organisers by at least MIN_PEOPLE members."""
    return sorted(
        (
            row["team"]
            for row in _profiles(program)
            .values("team")
            .annotate(n=Count("user_id", distinct=True))
            .filter(n__gte=MIN_PEOPLE)
            .order_by()
        ),
        key=str.casefold,
    )


def team_members(program: Program | None, team: str) -> QuerySet[Profile, int]:
    """The user ids of the members who show `team` to organisers (a subquery)."""
    return _profiles(program).filter(team=team).values_list("user_id", flat=True)
