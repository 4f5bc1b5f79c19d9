"""Coffee meetings as feedback occasions (programs/kinds.py `Occasion`, docs/feedback.md):
`group-<id>`, a group of a round whose meeting week has begun, for its members."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.programs.kinds import Occasion
from peerly.rounds.models import MET_ANSWERS
from peerly.rounds.models import CheckinAnswer
from peerly.rounds.models import GroupMember
from peerly.rounds.models import RoundGroup

REF = re.compile(r"group-(\d{1,18})")


def ref_for(group: RoundGroup) -> str:
    return f"group-{group.pk}"


def occasion(ref: str, *, user: Any) -> Occasion | None:
    match = REF.fullmatch(ref)
    if match is None or not getattr(user, "is_authenticated", False):
        return None
    group = (
        RoundGroup.objects.filter(pk=int(match[1]), members__user=user)
        .select_related("round", "round__program")
        .first()
    )
    if group is None or group.round.meets_from > timezone.localdate():
        return None
    people = tuple(sorted(group.members.values_list("user_id", flat=True)))
    label = _("Coffee round %(number)s") % {"number": group.round.number}
    return Occasion(ref=ref, program=group.round.program, label=label, people=people)


def recent(*, since: dt.datetime, now: dt.datetime) -> list[Occasion]:
    """The coffee meetings whose meeting window closed between `since` and `now` (the round's
    last day to meet is over), for the after-session invitations. Invited: the members who
    answered the check-in that they met, and those who did not answer in a group where
    somebody answered "all of us met". One query (the members of those rounds)."""
    first, last = timezone.localdate(since), timezone.localdate(now) - dt.timedelta(days=1)
    members = GroupMember.objects.filter(
        round__meet_by__gte=first, round__meet_by__lte=last
    ).select_related("round__program")
    groups: dict[int, list[GroupMember]] = defaultdict(list)
    for member in members.order_by("group_id", "user_id"):
        groups[member.group_id].append(member)
    out = []
    for group_id, group in groups.items():
        all_met = any(m.answer == CheckinAnswer.ALL for m in group)
        people = tuple(
            m.user_id for m in group if m.answer in MET_ANSWERS or (all_met and not m.answer)
        )
        if people:
            rnd = group[0].round
            out.append(
                Occasion(
                    ref=f"group-{group_id}",
                    program=rnd.program,
                    label=str(rnd.number),
                    people=people,
                )
            )
    return out
