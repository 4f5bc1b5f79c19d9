"""The one rule for figures shown to organisers: an aggregate of fewer than MIN_PEOPLE people
is not shown (it would tell them about one or two identifiable members)."""

from __future__ import annotations

from typing import TypeVar

MIN_PEOPLE = 5

T = TypeVar("T")


def shown(value: T, people: int) -> T | None:
    """`value`, or None when fewer than MIN_PEOPLE people are in it."""
    return value if people >= MIN_PEOPLE else None
