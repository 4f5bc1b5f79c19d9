"""Coffee meetings as feedback occasions (programs/kinds.py `Occasion`, docs/feedback.md):
`group-<id>`, a group of a round whose meeting week has begun, for its members."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.programs.kinds import Occasion
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
