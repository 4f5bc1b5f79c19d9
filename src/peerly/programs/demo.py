"""The demo community `make run` loads: members across teams and time zones, one programme of
each kind, realistic profiles and availability, and a log-in for every persona. Deterministic
for a seed.

Two layers, so that `peerly demo --members 50000` finishes:

* the *core community* — the personas (`PERSONAS`) and up to `CORE_MEMBERS` members.
  Programmes are created through `programs.services.create_program` (settings rows and audit
  included); each registered kind then replays its history (past rounds, sessions, reports)
  through its own services in `Kind.demo(program=…, enrollments=…, rng=…, now=…)`.
* *bulk members* beyond that: users, profiles, availability and enrolments written with
  batched `bulk_create` — the rows `join_program` (and `approve_enrollment`) would have
  written, audit rows included — dated after the current round and season, so they take
  part from the next draw on.

Every account logs in with `DEMO_PASSWORD` (hashed once, the hash reused: the demo loader
does not run the password validators, which are for people choosing their own password).
Current activity is dated relative to today: the coffee round drawn two days ago is open this
week, the circle season is half-way through.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from peerly.accounts.models import AvailabilityWindow
from peerly.accounts.models import DoNotPair
from peerly.accounts.models import Profile
from peerly.accounts.models import User
from peerly.core.models import AuditEvent
from peerly.evaluation import network
from peerly.evaluation import targets
from peerly.feedback import demo as feedback_demo
from peerly.growth import demo as growth_demo
from peerly.programs import kinds
from peerly.programs.models import Cadence
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentMode
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.programs.models import ProgramStatus
from peerly.programs.models import QuestionKind
from peerly.programs.models import Role
from peerly.programs.models import SignupQuestion
from peerly.programs.services import create_program
from peerly.recognition import demo as recognition_demo

DEMO_PASSWORD = "peerly-demo"  # noqa: S105 - published demo credentials, local only
DOMAIN = "demo.peerly.test"
CORE_MEMBERS = 200  # members whose history is replayed through the services
MIN_MEMBERS, MAX_MEMBERS = 10, 100_000
BATCH_SIZE = 1000  # rows per INSERT for the bulk members


@dataclass(frozen=True)
class Persona:
    """A demo account to log in as: README's demo table and `peerly demo` print these."""

    email: str
    name: str
    who: str
    to_try: str


ORGANISER = Persona(
    f"organiser@{DOMAIN}",
    "Olivia Organiser",
    "organiser of all three programmes",
    "Approve the requests to join the circles; preview and publish the next coffee round; "
    "assign a mentor to a waiting application; the coffee report.",
)
MEMBER = Persona(
    f"member@{DOMAIN}",
    "Max Member",
    "coffee member with a current match; circle member mid-season",
    "This week's coffee match: pick a time. Your circle's next session, notes and actions. "
    "Your goals under My growth.",
)
MENTOR = Persona(
    f"mentor@{DOMAIN}",
    "Mira Mentor",
    "mentor with mentees",
    "Review a mentee's monthly report; follow your new mentee through orientation; "
    "the goal Theo shares with you is on his mentorship page.",
)
MENTEE = Persona(
    f"mentee@{DOMAIN}",
    "Theo Mentee",
    "mentee in orientation",
    "Tick off the orientation checklist with your mentor (Mira); "
    "your goal under My growth is shared with her.",
)
APPLICANT = Persona(
    f"applicant@{DOMAIN}",
    "Ana Applicant",
    "applicant",
    "Your mentorship application waits for a mentor; your request to join the circles "
    "waits for approval.",
)
NEWCOMER = Persona(
    f"newcomer@{DOMAIN}",
    "Nico Newcomer",
    "newcomer in no programme",
    "Fill in your profile and join Coffee Roulette from the programme directory.",
)
ADMIN = Persona(
    f"admin@{DOMAIN}",
    "Site Admin",
    "site admin",
    "The Django admin at /admin/; every programme's organiser pages.",
)
PERSONAS = (ORGANISER, MEMBER, MENTOR, MENTEE, APPLICANT, NEWCOMER, ADMIN)
ORGANISER_EMAIL, MEMBER_EMAIL, ADMIN_EMAIL = ORGANISER.email, MEMBER.email, ADMIN.email

FIRST = [
    "Ada",
    "Amara",
    "Ana",
    "Aiko",
    "Bea",
    "Bilal",
    "Carla",
    "Chen",
    "Dara",
    "Diego",
    "Elif",
    "Emeka",
    "Farah",
    "Femi",
    "Gala",
    "Hana",
    "Ines",
    "Ivan",
    "Jonas",
    "Juno",
    "Kai",
    "Kemal",
    "Lea",
    "Lina",
    "Luca",
    "Maya",
    "Mei",
    "Nia",
    "Noor",
    "Omar",
    "Olu",
    "Pablo",
    "Priya",
    "Quinn",
    "Rosa",
    "Ravi",
    "Sami",
    "Sara",
    "Tariq",
    "Tess",
    "Uma",
    "Vera",
    "Wen",
    "Yara",
    "Yusuf",
    "Zoe",
    "Zeynep",
    "Malik",
    "Kofi",
    "Ingrid",
]
LAST = [
    "Okafor",
    "Silva",
    "Tanaka",
    "Müller",
    "Haddad",
    "Kowalski",
    "Nguyen",
    "Rossi",
    "Mensah",
    "García",
    "Sato",
    "Ivanova",
    "Patel",
    "Ahmed",
    "Larsen",
    "Costa",
    "Dubois",
    "Kim",
    "Moreau",
    "Novak",
    "Osei",
    "Park",
    "Reyes",
    "Schmidt",
    "Singh",
    "Wong",
    "Yilmaz",
    "Zhang",
    "Brown",
    "Fischer",
]
TEAMS = [
    "Engineering",
    "Design",
    "Community",
    "Documentation",
    "Localization",
    "Support",
    "Marketing",
    "Quality",
]
ZONES = [
    ("Europe/Berlin", "Berlin"),
    ("Europe/London", "London"),
    ("America/New_York", "New York"),
    ("America/Sao_Paulo", "São Paulo"),
    ("Africa/Lagos", "Lagos"),
    ("Asia/Kolkata", "Pune"),
    ("Asia/Tokyo", "Tokyo"),
    ("America/Los_Angeles", "San Francisco"),
    ("Europe/Madrid", "Madrid"),
    ("Africa/Nairobi", "Nairobi"),
]
LANGS = [
    "English",
    "Spanish",
    "French",
    "German",
    "Portuguese",
    "Hindi",
    "Japanese",
    "Swahili",
    "Italian",
    "Turkish",
]
SKILLS = [
    "Python",
    "JavaScript",
    "Rust",
    "UX research",
    "Public speaking",
    "Event planning",
    "Technical writing",
    "Translation",
    "Community building",
    "Fundraising",
    "Data analysis",
    "Testing",
    "Project management",
    "Accessibility",
    "Design systems",
    "Mentoring",
    "Social media",
    "Security",
    "DevOps",
    "Leadership",
]
INTERESTS = [
    "open source",
    "climbing",
    "photography",
    "cooking",
    "chess",
    "running",
    "sci-fi",
    "board games",
    "gardening",
    "music",
    "privacy",
    "education",
    "sustainability",
    "travel",
    "languages",
    "poetry",
    "cycling",
    "film",
]
BIOS = [
    "Contributor since {year}; I like untangling messy problems with people.",
    "I organise our local meetups and care about newcomers feeling at home.",
    "Maintainer of a small library, learning to lead without burning out.",
    "Moved from support to engineering last year; happy to share the path.",
    "Curious about how communities grow; always up for a coffee chat.",
]
SEASON_WISHES = [
    "Saying no without guilt.",
    "Growing our local group.",
    "Finding my next role.",
    "Leading a team of volunteers.",
]
PERSONA_WINDOWS = [(day, 9 * 60, 17 * 60) for day in range(5)]  # easy to match: office hours


@dataclass(frozen=True)
class DemoSummary:
    members: int
    programs: list[str]


# The demo programmes' success measures (their `success_measures` text) as targets.
DEMO_TARGETS = (
    ("coffee", "met_rate", "at_least", 70.0),
    ("coffee", "active_after_3_rounds", "at_least", 80.0),
    ("circles", "session_completion", "at_least", 80.0),
    ("circles", "attendance", "at_least", 85.0),
    ("mentorship", "time_to_match", "at_most", 14.0),
    ("mentorship", "report_rate", "at_least", 75.0),
)


def has_data() -> bool:
    return Program.objects.exists() or User.objects.filter(email=ORGANISER_EMAIL).exists()


def _initials(generation: int) -> str:
    """ "", "A. ", …, "Z. ", "A. A. ", …: a different middle part for every generation."""
    letters = ""
    while generation:
        generation, digit = divmod(generation - 1, 26)
        letters = chr(ord("A") + digit) + ". " + letters
    return letters


def demo_names(rng: random.Random) -> Iterator[str]:
    """Distinct names by construction: every first × last name once (shuffled), then every
    pair again with one middle initial, then two, … — never a name twice."""
    pairs = [(first, last) for first in FIRST for last in LAST]
    rng.shuffle(pairs)
    generation = 0
    while True:
        middle = _initials(generation)
        for first, last in pairs:
            yield f"{first} {middle}{last}"
        generation += 1


def email_for(name: str) -> str:
    """ "Zoë A. Müller" → zoe.a.muller@demo.peerly.test (distinct names give distinct emails)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return f"{ascii_name.lower().replace('. ', '.').replace(' ', '.')}@{DOMAIN}"


def _availability(rng: random.Random) -> list[tuple[int, int, int]]:
    blocks = [(9 * 60, 12 * 60), (13 * 60, 17 * 60), (18 * 60, 21 * 60), (7 * 60, 9 * 60)]
    windows = set()
    for day in rng.sample(range(5), rng.randint(2, 4)):
        start, end = rng.choice(blocks)
        windows.add((day, start, end))
    if rng.random() < 0.3:
        windows.add((5, 10 * 60, 13 * 60))
    return sorted(windows)


def _batches(rows: Iterable[Any], size: int = BATCH_SIZE) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _insert(model: type[Any], rows: Iterable[Any]) -> list[Any]:
    """bulk_create in batches (one INSERT per BATCH_SIZE rows); returns the rows with pks."""
    saved: list[Any] = []
    for batch in _batches(rows):
        saved.extend(model.objects.bulk_create(batch, batch_size=BATCH_SIZE))
    return saved


def _people(
    people: Sequence[tuple[str, str]],
    *,
    password: str,
    rng: random.Random,
    now: dt.datetime,
    first_index: int = 0,
    windows: Sequence[tuple[int, int, int]] | None = None,
    **extra: Any,
) -> list[User]:
    """Confirmed accounts (email, name) with a profile and weekly availability, in batches.
    `password` is an already hashed DEMO_PASSWORD, shared so hashing happens once."""
    users = _insert(
        User,
        (
            User(
                email=email,
                display_name=name,
                password=password,
                is_active=True,
                email_confirmed_at=now,
                **extra,
            )
            for email, name in people
        ),
    )
    profiles = []
    for i, user in enumerate(users, start=first_index):
        zone, city = ZONES[i % len(ZONES)] if windows is None else ZONES[0]
        langs = ["English", *rng.sample(LANGS[1:], rng.randint(0, 2))]
        profiles.append(
            Profile(
                user=user,
                pronouns=rng.choice(["she/her", "he/him", "they/them", ""]),
                bio=rng.choice(BIOS).format(year=rng.randint(2012, 2025)),
                team="" if user.is_superuser else TEAMS[i % len(TEAMS)],
                location=city,
                timezone=zone,
                languages=", ".join(langs),
                skills=", ".join(rng.sample(SKILLS, 3)),
                interests=", ".join(rng.sample(INTERESTS, 3)),
                offers=f"Happy to help with {rng.choice(SKILLS).lower()}.",
                wants_to_learn=f"I want to get better at {rng.choice(SKILLS).lower()}.",
                channels=rng.sample(["video", "phone", "chat", "in_person", "async"], 2),
                frequency=rng.choice(["monthly", "fortnightly", "weekly"]),
            )
        )
    profiles = _insert(Profile, profiles)
    _insert(
        AvailabilityWindow,
        (
            AvailabilityWindow(profile=profile, weekday=day, start_minute=start, end_minute=end)
            for profile in profiles
            for day, start, end in (windows if windows is not None else _availability(rng))
        ),
    )
    return users


def _answers(questions: Sequence[SignupQuestion], rng: random.Random) -> dict[str, Any]:
    """What a member answered to the programme's sign-up questions (required ones always)."""
    answers: dict[str, Any] = {}
    for question in questions:
        if question.kind == QuestionKind.CHOICE:
            if question.required or rng.random() < 0.6:
                answers[str(question.pk)] = rng.choice(question.choices.splitlines())
        else:
            answers[str(question.pk)] = rng.choice(SEASON_WISHES)
    return answers


def enrol(
    program: Program,
    users: Iterable[User],
    *,
    rng: random.Random,
    joined: dt.datetime,
    role: str = Role.PARTICIPANT,
    status: str = EnrollmentStatus.ACTIVE,
    spread_days: int = 20,
    decided_by: User | None = None,
    invited: bool = False,
) -> list[Enrollment]:
    """Enrol `users` as `join_program` would (answers, agreement, then `approve_enrollment`
    by `decided_by` in a programme that needs approval, unless `invited`), with the same
    audit rows, in batches. Members join over `spread_days` days up to `joined`."""
    questions = list(program.questions.order_by("position"))
    needs_approval = program.enrollment_mode == EnrollmentMode.APPROVAL and not invited
    rows = []
    for i, user in enumerate(users):
        at = joined - dt.timedelta(days=i % spread_days if spread_days else 0)
        active = status != EnrollmentStatus.APPLIED
        rows.append(
            Enrollment(
                program=program,
                user=user,
                role=role,
                status=status,
                answers=_answers(questions, rng),
                agreement_accepted_at=at - dt.timedelta(days=2) if needs_approval else at,
                joined_at=at if active else None,
                decided_by=decided_by if active and needs_approval else None,
                decided_at=at if active and needs_approval else None,
            )
        )
    rows = _insert(Enrollment, rows)
    events = []
    for row in rows:
        common = {"object_type": "programs.enrollment", "object_id": str(row.pk)}
        action = "enrollment.apply" if needs_approval else "enrollment.join"
        events.append(
            AuditEvent(
                actor=row.user,
                action=action,
                program_id=program.pk,
                data={"role": row.role},
                **common,
            )
        )
        if needs_approval and row.status == EnrollmentStatus.ACTIVE:
            events.append(
                AuditEvent(
                    actor=decided_by, action="enrollment.approve", program_id=program.pk, **common
                )
            )
    _insert(AuditEvent, events)
    return rows


# The three programmes: (create_program values, sign-up question). `*_on` values are days from
# today; question labels are translated when the demo is loaded.
PROGRAMMES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        {
            "kind": ProgramKind.COFFEE,
            "name": "Coffee Roulette",
            "slug": "coffee-roulette",
            "purpose": "Meet someone new from the community every month.",
            "objectives": "Break silos between teams; help newcomers build a network.",
            "expectations": "One conversation of 30–60 minutes each round, by video, phone or "
            "in person, within the meet-by week. Tell us afterwards whether you met.",
            "format": "Video call, phone or in person; you choose together.",
            "matching_description": "Random pairs that avoid repeats, prefer crossing teams "
            "and need overlapping availability.",
            "success_measures": "Met rate ≥ 70 %; members active after 3 rounds ≥ 80 %.",
            "cadence": Cadence.MONTHLY,
            "group_size": 2,
            "enrollment_mode": EnrollmentMode.OPEN,
            "starts_on": -120,
        },
        {
            "kind": QuestionKind.CHOICE,
            "label": gettext_noop("How did you hear about Coffee Roulette?"),
            "choices": "A friend\nNewsletter\nChat",
            "required": False,
        },
    ),
    (
        {
            "kind": ProgramKind.CIRCLE,
            "name": "Peer Coaching Circles",
            "slug": "coaching-circles",
            "purpose": "Small groups of three coach each other every two weeks for a season.",
            "objectives": "Practise coaching with questions; make progress on a real challenge.",
            "expectations": "Attend the fortnightly 90-minute session, take your turn as coach, "
            "coachee and note-taker, and keep what is said in the circle.",
            "format": "Video call",
            "matching_description": "Triads of strangers with a common slot.",
            "success_measures": "Session completion ≥ 80 %; attendance ≥ 85 %.",
            "cadence": Cadence.FORTNIGHTLY,
            "group_size": 3,
            "enrollment_mode": EnrollmentMode.APPROVAL,
            "starts_on": -42,
            "ends_on": 42,
        },
        {
            "kind": QuestionKind.TEXT,
            "label": gettext_noop("What would you like to work on this season?"),
        },
    ),
    (
        {
            "kind": ProgramKind.MENTORSHIP,
            "name": "Community Mentorship",
            "slug": "mentorship",
            "purpose": "Long-term 1:1 mentoring for contributors who want to grow.",
            "objectives": "Every new contributor who asks gets a mentor within two weeks.",
            "expectations": "Mentees file a short monthly report; mentors review it and meet "
            "their mentees regularly. A commitment lasts one year.",
            "format": "Video calls and chat",
            "matching_description": "Engine suggestions by shared "
            "expertise, language and overlapping hours; organisers confirm.",
            "success_measures": "Time to match ≤ 14 days; monthly report rate ≥ 75 %.",
            "cadence": Cadence.CONTINUOUS,
            "group_size": 2,
            "enrollment_mode": EnrollmentMode.APPROVAL,
            "starts_on": -200,
        },
        {
            # Not goals: the application form asks for those itself (issue 20: asked twice).
            "kind": QuestionKind.CHOICE,
            "label": gettext_noop("How often would you like to meet your mentor?"),
            "choices": "Every week\nEvery two weeks\nOnce a month",
            "required": False,
        },
    ),
]


def _programmes(organiser: User, today: dt.date) -> list[Program]:
    programs = []
    for values, question in PROGRAMMES:
        dated = {
            key: today + dt.timedelta(days=value) if key.endswith("_on") else value
            for key, value in values.items()
        }
        program = create_program(
            actor=None,
            values={**dated, "status": ProgramStatus.ACTIVE},
            organisers=[organiser],
        )
        SignupQuestion.objects.create(
            program=program, position=0, **{**question, "label": _(question["label"])}
        )
        programs.append(program)
    return programs


@transaction.atomic
def build_demo(*, members: int = 200, seed: int = 0) -> DemoSummary:
    """The personas plus `members` members (the first CORE_MEMBERS with history)."""
    if not MIN_MEMBERS <= members <= MAX_MEMBERS:
        raise ValueError(f"members must be between {MIN_MEMBERS} and {MAX_MEMBERS}")
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    password = make_password(DEMO_PASSWORD)  # once: every demo account shares the hash
    names = demo_names(rng)
    core = min(members, CORE_MEMBERS)

    def people(count: int) -> list[tuple[str, str]]:
        return [(email_for(name), name) for name in islice(names, count)]

    _admin, organiser, member, mentor, mentee, applicant, _newcomer = (
        _people(
            [(p.email, p.name)],
            password=password,
            rng=rng,
            now=now,
            windows=PERSONA_WINDOWS,
            is_staff=p in (ADMIN, ORGANISER),
            is_superuser=p is ADMIN,
        )[0]
        for p in (ADMIN, ORGANISER, MEMBER, MENTOR, MENTEE, APPLICANT, NEWCOMER)
    )
    organiser.user_permissions.add(
        Permission.objects.get(codename="add_program", content_type__app_label="programs")
    )
    others = _people(people(core), password=password, rng=rng, now=now, first_index=3)
    DoNotPair.objects.create(owner=others[3], other=others[4])
    coffee, circles, mentorship = _programmes(organiser, today)

    rng.shuffle(others)

    def share(group: Sequence[User], start: float, end: float) -> list[User]:
        """A slice of the community by proportion, so any --members size gets every role."""
        size = len(group)
        return list(group[int(size * start) : max(int(size * end), int(size * start) + 2)])

    # The core community joined before the history the kinds replay (days ago, options).
    circle_people = share(others, 0.5, 0.8)
    pending = max(2, len(circle_people) // 15)
    approved = {"decided_by": organiser}
    for program, group, days_ago, options in (
        (coffee, [member, *share(others, 0.0, 0.75)], 150, {}),
        (circles, [member, *circle_people[:-pending]], 45, approved),
        (
            circles,
            [applicant, *circle_people[-pending:]],
            3,
            {"status": "applied", "spread_days": 3},
        ),
        # Founding mentors were invited; the mentorship demo makes them mentors (add_mentor).
        (
            mentorship,
            [mentor, *share(others, 0.8, 0.91)],
            200,
            {"role": Role.MENTOR, "invited": True},
        ),
        (
            mentorship,
            [mentee, applicant, *share(others, 0.15, 0.5)],
            120,
            {"role": Role.MENTEE, **approved},
        ),
    ):
        enrol(program, group, rng=rng, joined=now - dt.timedelta(days=days_ago), **options)
    for program in (coffee, circles, mentorship):
        _populate_kind(program, rng, now)
    # Goals (the growth space): the member's and the mentee's, and about a third of the core.
    growth_demo.populate(
        people=[
            (member, coffee),
            (member, None),
            (mentee, mentorship),
            *((person, None) for person in others[: max(1, len(others) // 3)]),
        ],
        rng=rng,
        today=today,
        always_shared=[mentee],  # the mentor persona sees it on the mentorship page
    )
    # Surveys and recognition (core members only): the organiser's figures, the member's kudos.
    feedback_demo.populate(
        organiser=organiser, member=member, coffee=coffee, circles=circles, rng=rng, now=now
    )
    recognition_demo.populate(organiser=organiser, member=member, coffee=coffee, rng=rng, now=now)

    # Bulk members: joined in the last day, after the current round and season were drawn.
    bulk = _people(
        people(members - core), password=password, rng=rng, now=now, first_index=3 + core
    )
    size = len(bulk)
    for program, start, end in ((coffee, 0.0, 0.75), (circles, 0.5, 0.8)):
        enrol(
            program,
            bulk[int(size * start) : int(size * end)],
            rng=rng,
            joined=now - dt.timedelta(hours=1),
            spread_days=0,
            decided_by=organiser,  # approves where the programme needs approval
        )
    for program in (coffee, circles):  # the organiser's network page has figures at once
        network.refresh(program, today=today)
    by_name = {"coffee": coffee, "circles": circles, "mentorship": mentorship}
    for name, key, comparison, value in DEMO_TARGETS:  # the success measures, computable
        targets.set_target(
            actor=organiser,
            program=by_name[name],
            metric_key=key,
            comparison=comparison,
            value=value,
        )
    return DemoSummary(
        members=User.objects.count(), programs=[coffee.slug, circles.slug, mentorship.slug]
    )


def _populate_kind(program: Program, rng: random.Random, now: dt.datetime) -> None:
    kind = kinds.get(program.kind)
    if kind is None:
        return
    enrollments = list(
        Enrollment.objects.filter(program=program)
        .select_related("user", "user__profile")
        .order_by("pk")
    )
    kind.demo(program=program, enrollments=enrollments, rng=rng, now=now)
