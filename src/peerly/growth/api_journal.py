"""The member's journal over the API: /api/v1/me/journal (the same services and the same rule
as the pages: only the owner; anybody else's entry is a 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from ninja import Field
from ninja import Router
from ninja import Schema
from ninja.pagination import paginate

from peerly.accounts.models import split_tags
from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import CappedLimitOffset
from peerly.growth import journal
from peerly.growth.models import JournalEntry

router = Router(tags=["growth"])


class EntryOut(Schema):
    id: int
    written_on: dt.date
    title: str
    text: str
    happened: str = Field(description="what happened")
    learned: str = Field(description="what I learned")
    differently: str = Field(description="what I'll do differently")
    tags: list[str]
    goal: int | None = Field(description="the id of the goal it is about")
    circle_session: int | None = Field(description="the id of the circle session it is about")
    coffee_group: int | None = Field(description="the id of the coffee meeting it is about")
    created_at: dt.datetime
    updated_at: dt.datetime


class EntryPatch(Schema):
    written_on: dt.date | None = None
    title: str = Field("", max_length=200)
    text: str = Field("", max_length=journal.MAX_TEXT)
    happened: str = Field("", max_length=journal.MAX_TEXT)
    learned: str = Field("", max_length=journal.MAX_TEXT)
    differently: str = Field("", max_length=journal.MAX_TEXT)
    tags: str = Field("", max_length=300, description="comma-separated")
    goal: int | None = Field(None, description="one of your goals' ids")
    circle_session: int | None = Field(None, description="a session of your circle")
    coffee_group: int | None = Field(None, description="a coffee meeting you were in")


class EntryIn(EntryPatch):
    """At least one of title, text and the three prompts."""


def _entry_out(entry: JournalEntry) -> dict[str, Any]:
    return {
        **{name: getattr(entry, name) for name in EntryOut.model_fields if hasattr(entry, name)},
        "tags": split_tags(entry.tags),
        "goal": entry.goal_id,
        "circle_session": entry.circle_session_id,
        "coffee_group": entry.coffee_group_id,
    }


def _entry_values(payload: EntryPatch, *, only_set: bool) -> dict[str, Any]:
    values = payload.model_dump(exclude_unset=only_set)
    for name in ("goal", "circle_session", "coffee_group"):
        if name in values:
            values[f"{name}_id"] = values.pop(name)
    return values


def _entry_rows(request: AuthedHttpRequest, entries: list[JournalEntry]) -> list[dict[str, Any]]:
    return [_entry_out(entry) for entry in entries]


@router.get("/me/journal", response=list[EntryOut])
@paginate(CappedLimitOffset, rows=_entry_rows)
def list_entries(request: AuthedHttpRequest, q: str = "", tag: str = "") -> QuerySet[JournalEntry]:
    """Your journal (only yours), newest first; `q` searches titles, texts, prompts and tags
    (every word somewhere), `tag` keeps the entries with that tag."""
    return journal.list_entries_for_user(user=request.user, q=q[:200], tag=tag[:100])


@router.post("/me/journal", response={201: EntryOut})
def create_entry(request: AuthedHttpRequest, payload: EntryIn) -> tuple[int, dict[str, Any]]:
    values = _entry_values(payload, only_set=False)
    return 201, _entry_out(journal.create_entry(owner=request.user, **values))


@router.get("/me/journal/{entry_id}", response=EntryOut)
def get_entry(request: AuthedHttpRequest, entry_id: int) -> dict[str, Any]:
    return _entry_out(journal.get_entry_for_user(user=request.user, entry_id=entry_id))


@router.patch("/me/journal/{entry_id}", response=EntryOut)
def update_entry(request: AuthedHttpRequest, entry_id: int, payload: EntryPatch) -> dict[str, Any]:
    """Change the fields you send (`null` removes a link)."""
    entry = journal.get_entry_for_user(user=request.user, entry_id=entry_id)
    values = _entry_values(payload, only_set=True)
    return _entry_out(journal.update_entry(entry=entry, actor=request.user, **values))


@router.delete("/me/journal/{entry_id}", response={204: None})
def delete_entry(request: AuthedHttpRequest, entry_id: int) -> tuple[int, None]:
    entry = journal.get_entry_for_user(user=request.user, entry_id=entry_id)
    journal.delete_entry(entry=entry, actor=request.user)
    return 204, None
