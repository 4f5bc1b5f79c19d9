"""Hand-made texts with known themes: 6 people on public speaking, 6 on time management,
2 on gardening (too few to be shown). Each text also carries one word of its own (a
"fingerprint" no one else uses), which must never reach a report or a page."""

from __future__ import annotations

import datetime as dt

from peerly.accounts.models import User
from peerly.circles.models import Block
from peerly.circles.models import Circle
from peerly.circles.models import CircleSession
from peerly.circles.models import Season
from peerly.growth.models import Goal
from peerly.insights.clustering import Document
from peerly.programs.models import Program
from peerly.programs.models import Strategy

SPEAKING = [
    "Public speaking at team meetings without notes xylo",
    "Feel confident public speaking on stage quark",
    "Public speaking: give a conference talk zephyr",
    "Overcome my fear of public speaking brindle",
    "Practise public speaking every week mauve",
    "Public speaking for the thesis defence ocelot",
]
TIME = [
    "Time management for a busy week fennel",
    "Time management with a paper calendar gossamer",
    "Time management: stop missing deadlines halcyon",
    "Time management of my tasks and inbox juniper",
    "Time management while studying and working kelp",
    "Time management and saying no to meetings lumen",
]
GARDENING = [
    "Grow tomatoes in the gardening plot nimbus",
    "Gardening on the balcony with herbs plover",
]
FINGERPRINTS = [t.split()[-1] for t in SPEAKING + TIME + GARDENING]


def documents(extra_garden: int = 0) -> list[Document]:
    """The hand-made set as engine documents; `extra_garden` more gardeners."""
    docs = [Document(100 + i, t) for i, t in enumerate(SPEAKING)]
    docs += [Document(200 + i, t) for i, t in enumerate(TIME)]
    garden = [*GARDENING, *(f"Gardening with vegetables and tomatoes {i}" for i in range(9))]
    docs += [Document(300 + i, t) for i, t in enumerate(garden[: 2 + extra_garden])]
    return docs


def circle_session(program: Program) -> CircleSession:
    season = Season.objects.create(
        program=program,
        number=Season.objects.filter(program=program).count() + 1,
        starts_on=dt.date(2027, 1, 4),
        ends_on=dt.date(2027, 6, 4),
        strategy=Strategy.STRANGERS,
    )
    circle = Circle.objects.create(season=season, program=program, number=1)
    at = dt.datetime(2027, 1, 5, 18, tzinfo=dt.UTC)
    return CircleSession.objects.create(
        circle=circle, number=1, original_starts_at=at, starts_at=at
    )


def write(program: Program, people: list[User], texts: list[str]) -> None:
    """Half the texts as goals linked to the programme, half as circle session topics."""
    session: CircleSession | None = None
    for i, (user, text) in enumerate(zip(people, texts, strict=True)):
        if i % 2 == 0:
            Goal.objects.create(owner=user, program=program, title=text, why="")
        else:
            if session is None:
                session = circle_session(program)
            Block.objects.create(
                session=session,
                position=i,
                coachee=user,
                coach=people[0],
                note_taker=people[0],
                issue=text,
            )
