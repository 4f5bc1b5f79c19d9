"""Who is coachee, coach and note-taker in each block of a circle session. Pure Python.

Rules (docs/circles.md, "Roles"):

* A session has ``min(3, present)`` blocks; with fewer than two people present there is no
  block (a coaching conversation needs a coachee and a coach).
* Each block has one coachee, one coach and one note-taker, three different people when three
  or more are present; with two present the coach also takes the notes.
* Nobody is coachee twice in one session. With everyone of a triad present each member is
  coachee, coach and note-taker exactly once (a Latin square), and the order rotates from one
  session to the next.
* When there are more people than blocks (a circle of four) or someone is absent, each role
  goes to whoever has served it least so far this season (``served``), so turns even out over
  the season; remaining ties follow the session's rotation order.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic
from typing import TypeVar

ROLES = ("coachee", "coach", "note_taker")
MAX_BLOCKS = 3

T = TypeVar("T")


@dataclass(frozen=True)
class BlockRoles(Generic[T]):
    position: int  # 1-based
    coachee: T
    coach: T
    note_taker: T


def rotation_order(members: Sequence[T], session_number: int) -> list[T]:
    """``members`` rotated left by ``session_number - 1`` (session 1 keeps the given order)."""
    if not members:
        return []
    shift = (session_number - 1) % len(members)
    return [*members[shift:], *members[:shift]]


def assign_roles(
    members: Sequence[T],
    present: Collection[T],
    *,
    session_number: int,
    served: Mapping[T, Mapping[str, int]] | None = None,
    blocks: int = MAX_BLOCKS,
) -> tuple[BlockRoles[T], ...]:
    """Roles for every block of one session.

    ``members`` is the circle in its fixed order, ``present`` who attends, ``served`` how many
    times each member already held each role this season (``{member: {"coach": 2, ...}}``).
    Deterministic: the same inputs always give the same answer.
    """
    served = served or {}
    order = [m for m in rotation_order(members, session_number) if m in present]
    if len(order) < 2:
        return ()
    count = min(blocks, len(order))
    rank = {m: i for i, m in enumerate(order)}

    def past(member: T, role: str) -> int:
        return int(served.get(member, {}).get(role, 0))

    # Coachees: those who have been coachee least, ties by rotation order; blocks run in
    # rotation order.
    coachees = sorted(order, key=lambda m: (past(m, "coachee"), rank[m]))[:count]
    coachees.sort(key=lambda m: rank[m])

    choices = []
    for coachee in coachees:
        others = [m for m in order if m != coachee]
        if len(others) == 1:
            choices.append([(others[0], others[0])])
        else:
            choices.append([(c, n) for c in others for n in others if c != n])

    size = len(order)

    def cost(plan: tuple[tuple[T, T], ...]) -> tuple[float, ...]:
        coach_now = dict.fromkeys(order, 0)
        note_now = dict.fromkeys(order, 0)
        for coach, note in plan:
            coach_now[coach] += 1
            note_now[note] += 1
        # 1. within the session, spread coach and note-taking turns over people
        spread = sum(v * v for v in coach_now.values()) + sum(v * v for v in note_now.values())
        # 2. over the season, give each role to those who served it least
        season = sum((past(m, "coach") + coach_now[m]) ** 2 for m in order) + sum(
            (past(m, "note_taker") + note_now[m]) ** 2 for m in order
        )
        # 3. rotation: the coach is the next person after the coachee, the note-taker the one
        #    after that (a cyclic Latin square for a full triad)
        offsets = tuple(
            ((rank[coach] - rank[coachee]) % size, (rank[note] - rank[coachee]) % size)
            for coachee, (coach, note) in zip(coachees, plan, strict=True)
        )
        return (spread, season, *itertools.chain.from_iterable(offsets))

    best = min(itertools.product(*choices), key=cost)
    return tuple(
        BlockRoles(position=i + 1, coachee=coachee, coach=coach, note_taker=note)
        for i, (coachee, (coach, note)) in enumerate(zip(coachees, best, strict=True))
    )


def tally(
    blocks: Sequence[BlockRoles[T]], into: dict[T, dict[str, int]] | None = None
) -> dict[T, dict[str, int]]:
    """Add the roles of ``blocks`` to a ``served`` mapping (a new one when ``into`` is None)."""
    result = into if into is not None else {}
    for block in blocks:
        for role in ROLES:
            person = getattr(block, role)
            result.setdefault(person, dict.fromkeys(ROLES, 0))
            result[person][role] += 1
    return result
