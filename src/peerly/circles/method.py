"""The guided method every block follows (Max Landsberg's coaching steps, from the seeds)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    share: float  # of the block's time
    summary: str
    prompts: tuple[str, ...]  # questions for the coach
    fields: tuple[str, ...]  # Block fields the note-taker fills


STEPS = (
    Step(
        1,
        "The current issue",
        0.15,
        "The coachee describes the issue with specific examples and a little background.",
        (
            "What is happening, concretely? Can you give an example from this week?",
            "What background do we need to understand it?",
            "Why does it matter to you now?",
        ),
        ("issue",),
    ),
    Step(
        2,
        "The desired outcome",
        0.15,
        "Picture, as specifically as possible, how things would be if it were sorted out. "
        "Ideas are noted, not solved.",
        (
            "Imagine it is solved: what do you see, hear, do differently?",
            "How would you know you got there?",
            "(Note ideas that come up; do not solve yet.)",
        ),
        ("outcome", "ideas"),
    ),
    Step(
        3,
        "The obstacles",
        0.25,
        "List everything between the issue and the outcome, sorted into three groups: in the "
        "coachee (skill or knowledge, motivation, attitude), in others, in the situation "
        "(resources, deadlines).",
        (
            "What stops you today?",
            "What is in your hands: skills, knowledge, motivation, attitude?",
            "Who else is involved, and how?",
            "What about resources and deadlines?",
        ),
        ("obstacles_self", "obstacles_others", "obstacles_situation"),
    ),
    Step(
        4,
        "Brainstorm",
        0.30,
        "Together, find ways around the blocks and possible next steps.",
        (
            "What could you try? What else?",
            "Which block, if removed, would help most?",
            "Who could help?",
        ),
        ("brainstorm",),
    ),
    Step(
        5,
        "Agree",
        0.15,
        "The coachee chooses an approach, actions with an owner and a due date, and timing.",
        (
            "Which option will you take?",
            "What exactly will you do, and by when?",
            "How will we know at the next session?",
        ),
        ("approach", "timing"),
    ),
)


def step_minutes(block_minutes: int) -> list[tuple[Step, int]]:
    """Suggested minutes per step for a block of `block_minutes` (summing to it)."""
    minutes = [max(1, round(step.share * block_minutes)) for step in STEPS]
    minutes[3] += block_minutes - sum(minutes)  # the brainstorm absorbs rounding
    return list(zip(STEPS, minutes, strict=True))


GUIDES = {
    "coach": "Coach: ask instead of telling",
    "note-taker": "Note-taker: take useful notes",
    "feedback": "Giving feedback that is specific and timely",
    "method": "The session method, step by step",
}
