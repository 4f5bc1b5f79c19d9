"""Goals for the demo community, written through the services (so they are audited like real
ones): the member and the mentee personas have goals at different stages, and about a third
of the core members one goal each; some are shared with the owner's mentor or circle."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from peerly.accounts.models import User
from peerly.growth import actions
from peerly.growth import journal
from peerly.growth import plans
from peerly.growth import services
from peerly.growth.models import ActionStatus
from peerly.growth.models import Horizon
from peerly.growth.models import ProgressMode
from peerly.mentorship.models import OPEN_STATUSES
from peerly.mentorship.models import Mentorship
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
    writers = list(dict.fromkeys([*(owner for owner, _program in people[:1]), *always_shared]))
    populate_journal(writers=writers, today=today, shared=always_shared)
    if people:
        populate_plans(owner=people[0][0], today=today)
        populate_actions(owner=people[0][0], today=today)
    for mentee in always_shared:
        populate_agreed_actions(mentee=mentee, today=today)
    return made


def populate_actions(*, owner: User, today: dt.date) -> None:
    """The owner's own actions at different stages: one linked to their first goal, one
    overdue (it is in "Needs your attention"), one done."""
    goal = owner.goals.order_by("pk").first()
    actions.add_action(
        actor=owner,
        text="Ask two colleagues how my last reviews read",
        due_on=today + dt.timedelta(days=7),
        goal=goal,
    )
    actions.add_action(
        actor=owner, text="Book a room for the workshop", due_on=today - dt.timedelta(days=2)
    )
    done = actions.add_action(actor=owner, text="Read the feedback guide")
    actions.set_action_status(action=done, actor=owner, status=ActionStatus.DONE)


def populate_agreed_actions(*, mentee: User, today: dt.date) -> None:
    """An action agreed in the mentee's open mentorship (with a mentor): one for each."""
    mentorship = (
        Mentorship.objects.filter(mentee=mentee, status__in=OPEN_STATUSES, mentor__isnull=False)
        .select_related("mentor__user")
        .first()
    )
    if mentorship is None or mentorship.mentor is None:
        return
    actions.add_action(
        actor=mentee,
        mentorship=mentorship,
        text="Send my mentor the draft of the workshop outline",
        due_on=today + dt.timedelta(days=10),
    )
    actions.add_action(
        actor=mentorship.mentor.user,
        mentorship=mentorship,
        owner=mentorship.mentor.user,
        text="Share two articles on running workshops",
        due_on=today + dt.timedelta(days=5),
    )


# (days ago, title, text, happened, learned, differently, tags); the first is about a goal
ENTRIES = (
    (
        2,
        "Feedback that landed",
        "",
        "Reviewed Sam's pull request with only one main point instead of ten small ones.",
        "People act on one clear point; a list of nits gets skimmed.",
        "Start each review with the one thing that matters most.",
        "feedback, code review",
    ),
    (
        9,
        "",
        "Quiet week. I noticed I wait for the perfect moment to speak up in the team meeting, "
        "and it never comes.",
        "",
        "",
        "",
        "meetings",
    ),
    (
        20,
        "Coffee chat about career paths",
        "",
        "Talked with someone from the data team about how they moved from support to analysis.",
        "Side projects counted more than courses for them.",
        "Ask my manager about a small project outside my team.",
        "career, networking",
    ),
)


def populate_journal(*, writers: Sequence[User], today: dt.date, shared: Sequence[User]) -> int:
    """Two or three entries for each of `writers` (through the journal's services): the first
    about their first goal, the last about their latest coffee meeting when they had one; the
    first entry of each of `shared` is shared with their first audience (their mentor)."""
    made = 0
    for owner in writers:
        goal = owner.goals.order_by("pk").first()
        meeting = journal.link_choices(owner)
        coffee = [key for key, _label in meeting if key.startswith("coffee_group:")]
        rows = ENTRIES if owner not in shared else ENTRIES[:2]
        for index, (days, title, text, happened, learned, differently, tags) in enumerate(rows):
            entry = journal.create_entry(
                owner=owner,
                written_on=today - dt.timedelta(days=days),
                title=title,
                text=text,
                happened=happened,
                learned=learned,
                differently=differently,
                tags=tags,
                goal_id=goal.pk if index == 0 and goal is not None else None,
                coffee_group_id=int(coffee[0].split(":")[1]) if index == 2 and coffee else None,
            )
            made += 1
            audiences = services.audiences_for(owner) if owner in shared and index == 0 else []
            if audiences:
                services.share(subject=entry, actor=owner, audience=audiences[0])
    return made


# the two SWOT versions of the member persona: last year's, and this year's started from it
SWOTS = (
    (
        "last year",
        "Writing clear documentation\nPatient with newcomers",
        "Saying no to extra work\nSpeaking up in big meetings",
        "The new accessibility guild\nA mentor programme starting",
        "A reorganisation of the team",
    ),
    (
        "this year",
        "Writing clear documentation\nPatient with newcomers\nGiving focused code reviews",
        "Speaking up in big meetings",
        "Leading the guild's first workshop\nA mentor programme starting",
        "Too many projects at once",
    ),
)


def populate_plans(*, owner: User, today: dt.date) -> None:
    """A vision, two SWOT versions (last year's and this year's) and a development plan for
    this year with the owner's goals, written through the services; the plan is shared with
    the owner's first audience (their circle) when they have one."""
    plans.set_vision(
        owner=owner,
        statement="In three years I lead a small team that ships accessible software, and "
        "people come to me because I listen first and explain clearly.",
        qualities="Listens before answering\nExplains clearly\nCalm under pressure",
    )
    plans.review_vision(owner=owner)
    for year, (label, strengths, weaknesses, opportunities, threats) in zip(
        (today.year - 1, today.year), SWOTS, strict=True
    ):
        swot = plans.create_swot(owner=owner, label=f"{year} ({label})")
        plans.update_swot(
            swot=swot,
            actor=owner,
            strengths=strengths,
            weaknesses=weaknesses,
            opportunities=opportunities,
            threats=threats,
        )
    plan = plans.create_plan(
        owner=owner,
        title=f"My development plan {today.year}",
        starts_on=dt.date(today.year, 1, 1),
        ends_on=dt.date(today.year, 12, 31),
        focus_areas="Feedback that helps\nSpeaking up\nFacilitation",
        learning="A facilitation course\nRun one guild workshop\nShadow a team lead for a week",
        support="Monthly practice with my circle; my manager's time for a stretch project.",
        review_on=today + dt.timedelta(days=90),
        goals=list(owner.goals.order_by("pk")[:3]),
    )
    if audiences := services.audiences_for(owner):
        services.share(subject=plan, actor=owner, audience=audiences[0])
