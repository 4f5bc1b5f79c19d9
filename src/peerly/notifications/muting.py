"""Muting a kind's event emails for a block: the demo replays past rounds, seasons and
mentorships through the services without mailing anybody about the past.

An app's email functions (rounds/, circles/, mentorship/ `emails.py`) are decorated with
`unless_muted` (or check `is_muted()`); inside `with muted():` they queue nothing. One flag for
every kind, held in a context variable (so a block never leaks into another thread or task).
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ParamSpec

P = ParamSpec("P")
_muted = contextvars.ContextVar("peerly_event_emails_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """No event email is queued inside the block."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def is_muted() -> bool:
    return _muted.get()


def unless_muted(fn: Callable[P, None]) -> Callable[P, None]:
    """Decorate an email function: it does nothing inside `muted()`."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        if not _muted.get():
            fn(*args, **kwargs)

    return wrapper
