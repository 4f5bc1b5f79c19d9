"""A coffee member's "what I'd like to learn from people" note: set on the programme page by
the member (one service), read on a meeting page by the people they are matched with and by
nobody else (organisers neither). Audit rows never hold the note's text."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.core import audit
from peerly.core.errors import ServiceError
from peerly.programs.access import MEMBER_STATUSES
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.rounds.models import LearnNote
from peerly.rounds.models import RoundGroup

MAX_LENGTH = 300


@transaction.atomic
def set_learn_note(*, user: User, program: Program, text: str) -> LearnNote | None:
    """The member's note for `program` (a coffee programme they take part in); an empty text
    removes it. Saving the same text again changes nothing."""
    if (
        program.kind != ProgramKind.COFFEE
        or not program.enrollments.filter(user=user, status__in=MEMBER_STATUSES).exists()
    ):
        raise ServiceError(_("Only members of the programme can leave a note."), field="text")
    text = " ".join((text or "").split())
    if len(text) > MAX_LENGTH:
        raise ServiceError(_("At most %(n)d characters, please.") % {"n": MAX_LENGTH}, field="text")
    note = LearnNote.objects.select_for_update().filter(program=program, user=user).first()
    if not text:
        if note is not None:
            audit.record(actor=user, action="rounds.learn_note_cleared", obj=note)
            note.delete()
        return None
    if note is None:
        note = LearnNote.objects.create(program=program, user=user, text=text)
        audit.record(actor=user, action="rounds.learn_note_set", obj=note)
    elif note.text != text:
        note.text = text
        audit.saved(note, actor=user, action="rounds.learn_note_set")
    return note


def get_learn_note(*, user: User, program: Program) -> str:
    """The member's own note ("" when there is none)."""
    note = LearnNote.objects.filter(program=program, user=user).first()
    return note.text if note is not None else ""


def learn_notes_for_group(*, group: RoundGroup, viewer: User) -> list[tuple[str, str]]:
    """(name, note) of the viewer's partners in `group` who left one, for a member of the
    group only (else none). One query; the group's members are prefetched by the selector."""
    members = {m.user_id: m.user for m in group.members.all()}
    if viewer.pk not in members:
        return []
    notes = LearnNote.objects.filter(
        program_id=group.round.program_id, user_id__in=[pk for pk in members if pk != viewer.pk]
    ).order_by("user_id")
    return [(members[n.user_id].name, n.text) for n in notes]
