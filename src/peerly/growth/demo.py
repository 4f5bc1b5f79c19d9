"""Goals for the demo community, written through the services (so they are audited like real
ones): the member and the mentee personas have goals at different stages, and about a third
of the core members one goal each; some are shared with the owner's mentor or circle."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from peerly.accounts.models import User
from peerly.growth import services
from peerly.growth.models import Horizon
from peerly.growth.models import ProgressMode
from peerly.programs.models import Program

# title, why, measure, milestones (title, due in days or None)
GOALS = (
    (
        "Give clearer feedback in code reviews",
        "My reviews are long and people miss the one thing that matters.",
        "Three colleagues say my last reviews were clear and kind.",
        (("Read the feedback guide", 14), ("Try the 'one thing' rule for a month", 45)),
    ),
    (
        "Run my first workshop",
        "I want to share what I know about accessibility with the team.",
        "A 60-minute workshop held, with feedback from at least five people.",
        (("Pick the topic and date", 10), ("Rehearse with my mentor", 30), ("Hold it", 60)),
    ),
    (
        "Build a network outside my team",
        "I only know people from my own floor.",
        "Ten good conversations with people from other teams this year.",
        (),
    ),
    (
        "Prepare for a team-lead role",
        "I'd like to lead a team within two years.",
        "A development plan agreed with my manager and two stretch projects done.",
        (("Talk to two team leads about their first year", 30), ("Lead a small project", 120)),
    ),
    (
        "Speak up in big meetings",
        "I have ideas but stay quiet when there are more than ten people.",
        "One point made in each monthly all-hands for three months.",
        (),
    ),
)
MOVED = ("Had two conversations this week.", "Drafted the outline.", "Asked for feedback.")
BLOCKED = ("", "Busy month at work.", "Not sure who to ask.")


def populate(
    *,
    people: Sequence[tuple[User, Program | None]],
    rng: random.Random,
    today: dt.date,
    always_shared: Sequence[User] = (),
) -> int:
    """One goal per (user, programme or None) in `people`, at a random stage; the goals of
    `always_shared` are shared with their first audience (mentor or circle) whatever the
    stage. Returns how many goals were made."""
    made = 0
    for owner, program in people:
        title, why, measure, milestones = GOALS[rng.randrange(len(GOALS))]
        goal = services.create_goal(
            owner=owner,
            title=title,
            why=why,
            measure=measure,
            target_on=today + dt.timedelta(days=rng.choice((60, 90, 180, 365))),
            horizon=Horizon.LONG if "two years" in why or "year" in measure else Horizon.SHORT,
            progress_mode=ProgressMode.MILESTONES if milestones else ProgressMode.PERCENT,
            program=program,
            milestones=[
                (name, today + dt.timedelta(days=days) if days else None)
                for name, days in milestones
            ],
        )
        made += 1
        stage = rng.random()
        if milestones and stage > 0.4:
            first = goal.milestones.first()
            if first is not None:
                services.set_milestone_done(milestone=first, actor=owner, done=True)
        if stage > 0.3:
            services.check_in(
                goal=goal,
                actor=owner,
                moved=rng.choice(MOVED),
                blocked=rng.choice(BLOCKED),
                percent=None if milestones else rng.choice((10, 30, 50)),
            )
        shared = stage > 0.5 or owner in always_shared
        if shared and (audiences := services.audiences_for(owner)):
            services.share(subject=goal, actor=owner, audience=audiences[0])
        if stage > 0.9 and owner not in always_shared:
            services.achieve_goal(goal=goal, actor=owner)
    return made
