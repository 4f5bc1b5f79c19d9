"""State machines as one table each: action -> the states it may start from.

Mentorship's transition table generalised. A service declares

    MACHINE = Transitions(
        {"assign": (S.SUBMITTED,), "accept": (S.ASSIGNED, S.SCREENING)},
        labels=S,                                # a TextChoices: states named in messages
        words={"assign": "assign a mentor to"},  # optional: how the action reads
        noun="mentorship",
    )

and either checks by hand (`MACHINE.check(obj.status, "accept")` after locking the row) or
lets `apply_transition` do the whole lock → check → set status → save → audit ending. Every
refusal is a `TransitionError` (a ServiceError) with a clear message and no change.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeVar

from django.db import models
from django.db import transaction
from django.utils.translation import gettext as _

from peerly.core import audit
from peerly.core.errors import TransitionError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ModelT = TypeVar("ModelT", bound=models.Model)


class Transitions:
    def __init__(
        self,
        table: Mapping[str, tuple[str, ...]],
        *,
        labels: type[models.TextChoices] | None = None,
        words: Mapping[str, StrOrPromise] | None = None,
        noun: StrOrPromise = "item",
    ) -> None:
        self.table = dict(table)
        self.labels = labels
        self.words = dict(words or {})
        self.noun = noun

    def __contains__(self, action: str) -> bool:
        return action in self.table

    def allowed_from(self, action: str) -> tuple[str, ...]:
        """The states `action` may start from (KeyError for an action not in the table)."""
        return self.table[action]

    def can(self, state: str, action: str) -> bool:
        return state in self.table.get(action, ())

    def actions_from(self, state: str) -> list[str]:
        """Every action allowed from `state`, in table order."""
        return [action for action, states in self.table.items() if state in states]

    def label(self, state: str) -> str:
        if self.labels is not None and state in self.labels.values:
            return str(self.labels(state).label).lower()
        return state

    def message(self, state: str, action: str) -> str:
        allowed = self.table.get(action, ())
        word = self.words.get(action, action.replace("_", " "))
        when = _(" or ").join(self.label(s) for s in allowed) or _("never")
        return _("Cannot %(action)s this %(noun)s: it is %(state)s (allowed when %(allowed)s).") % {
            "action": word,
            "noun": self.noun,
            "state": self.label(state),
            "allowed": when,
        }

    def check(self, state: str, action: str) -> None:
        """Raise TransitionError unless `action` may start from `state`."""
        if action not in self.table:
            raise TransitionError(
                _("Unknown action “%(action)s” for a %(noun)s.")
                % {"action": action, "noun": self.noun}
            )
        if state not in self.table[action]:
            raise TransitionError(self.message(state, action))


def apply_transition(
    obj: ModelT,
    *,
    machine: Transitions,
    action: str,
    to: str,
    actor: Any,
    audit_action: str,
    program_id: int | None = None,
    field: str = "status",
    changes: Mapping[str, Any] | None = None,
    before_save: Callable[[ModelT], None] | None = None,
    reason: str = "",
    data: Mapping[str, Any] | None = None,
) -> ModelT:
    """Lock the row, check the transition, set `field` to `to` (plus `changes`), save, audit.

    Returns the locked, saved instance. `before_save(locked)` may raise a ServiceError for a
    check that needs the locked row; nothing is saved then. Runs in the caller's transaction
    (or its own)."""
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        machine.check(getattr(locked, field), action)
        previous = getattr(locked, field)
        setattr(locked, field, to)
        for name, value in (changes or {}).items():
            setattr(locked, name, value)
        if before_save is not None:
            before_save(locked)
        locked.save()
        audit.record(
            actor=actor,
            action=audit_action,
            obj=locked,
            program_id=program_id,
            reason=reason,
            data={"from": previous, "to": to, **(data or {})},
        )
    return locked
