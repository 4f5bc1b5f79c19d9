"""Per-programme mentorship settings: created with the programme, read without writing,
changed by organisers through `update_settings` (audited)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import ngettext

from peerly.accounts.models import User
from peerly.core.errors import ServiceError
from peerly.mentorship.models import MentorshipSettings
from peerly.mentorship.services._common import _require_organiser
from peerly.mentorship.services._common import finish
from peerly.programs.models import Program

EDITABLE = (
    "screening_days",
    "screening_reminder_days",
    "term_days",
    "term_notice_days",
    "report_grace_days",
    "inactivity_days",
    "review_month",
    "review_days",
    "default_capacity",
    "training_checklist",
)


def get_settings(program: Program) -> MentorshipSettings:
    """The programme's settings; a read never writes. A programme without its row (created
    before the row existed, or outside the services) reads the defaults, unsaved."""
    found = MentorshipSettings.objects.filter(program=program).first()
    return found if found is not None else MentorshipSettings(program=program)


def create_settings(program: Program) -> MentorshipSettings:
    """Create the settings row when a mentorship programme is created (idempotent)."""
    found, _ = MentorshipSettings.objects.get_or_create(program=program)
    return found


@transaction.atomic
def update_settings(*, program: Program, actor: User, **fields: Any) -> MentorshipSettings:
    """Organisers change the settings; one audit row lists what changed (old → new)."""
    _require_organiser(actor, program)
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise ServiceError(
            ngettext("Unknown setting: %(join)s.", "Unknown settings: %(join)s.", len(unknown))
            % {"join": ", ".join(unknown)}
        )
    create_settings(program)
    cfg = MentorshipSettings.objects.select_for_update().get(program=program)
    changed: dict[str, Any] = {}
    for name, value in fields.items():
        old = getattr(cfg, name)
        if old != value:
            changed[name] = [old, value]
            setattr(cfg, name, value)
    if not changed:
        return cfg
    try:
        cfg.full_clean(exclude=["program"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(" ".join(messages), field=field if field in EDITABLE else None) from None
    cfg.save()
    finish(
        cfg,
        actor=actor,
        action="mentorship.settings",
        program_id=program.pk,
        data=changed,
        save=False,
    )
    return cfg
