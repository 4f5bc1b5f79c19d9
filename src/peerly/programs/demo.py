"""The demo community `make run` loads: ~200 members across teams and time zones, one
programme of each kind, realistic profiles and availability. Deterministic for a seed.

Programmes are created through `programs.services.create_program` (settings rows and audit
included); each registered kind then adds its history (past rounds, sessions, reports) in
`Kind.demo(program=…, enrollments=…, rng=…, now=…)`.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from peerly.accounts.models import AvailabilityWindow, DoNotPair, Profile, User
from peerly.programs import kinds
from peerly.programs.models import (
    Cadence,
    Enrollment,
    EnrollmentMode,
    EnrollmentStatus,
    Program,
    ProgramKind,
    ProgramStatus,
    QuestionKind,
    Role,
    SignupQuestion,
)
from peerly.programs.services import create_program

DEMO_PASSWORD = "peerly-demo"  # noqa: S105 - published demo credentials, local only
ORGANISER_EMAIL = "organiser@demo.peerly.test"
MEMBER_EMAIL = "member@demo.peerly.test"
ADMIN_EMAIL = "admin@demo.peerly.test"

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


@dataclass(frozen=True)
class DemoSummary:
    members: int
    programs: list[str]


def _availability(rng: random.Random) -> list[tuple[int, int, int]]:
    blocks = [(9 * 60, 12 * 60), (13 * 60, 17 * 60), (18 * 60, 21 * 60), (7 * 60, 9 * 60)]
    windows = set()
    for day in rng.sample(range(5), rng.randint(2, 4)):
        start, end = rng.choice(blocks)
        windows.add((day, start, end))
    if rng.random() < 0.3:
        windows.add((5, 10 * 60, 13 * 60))
    return sorted(windows)


def has_data() -> bool:
    return Program.objects.exists() or User.objects.filter(email=ORGANISER_EMAIL).exists()


def _user(email: str, name: str, *, password: bool = False, **extra: object) -> User:
    user = User(
        email=email, display_name=name, is_active=True, email_confirmed_at=timezone.now(), **extra
    )
    if password:
        user.set_password(DEMO_PASSWORD)
    else:
        user.set_unusable_password()
    return user


@transaction.atomic
def build_demo(*, members: int = 200, seed: int = 0) -> DemoSummary:
    rng = random.Random(seed)
    now = timezone.now()
    admin = _user(ADMIN_EMAIL, "Site Admin", password=True, is_staff=True, is_superuser=True)
    organiser = _user(ORGANISER_EMAIL, "Olivia Organiser", password=True, is_staff=True)
    member = _user(MEMBER_EMAIL, "Max Member", password=True)
    users = [admin, organiser, member]
    names = set()
    while len(users) < members + 2:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name in names:
            continue
        names.add(name)
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        slug = ascii_name.lower().replace(" ", ".")
        users.append(_user(f"{slug}@demo.peerly.test", name))
    User.objects.bulk_create(users)
    users = list(User.objects.order_by("pk"))
    profiles = []
    windows = []
    for i, user in enumerate(users):
        zone, city = ZONES[i % len(ZONES)] if i > 2 else ZONES[0]
        langs = ["English", *rng.sample(LANGS[1:], rng.randint(0, 2))]
        profiles.append(
            Profile(
                user=user,
                pronouns=rng.choice(["she/her", "he/him", "they/them", ""]),
                bio=rng.choice(BIOS).format(year=rng.randint(2012, 2025)),
                team=TEAMS[i % len(TEAMS)] if user.pk != admin.pk else "",
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
    Profile.objects.bulk_create(profiles)
    for profile in Profile.objects.all():
        for day, start, end in _availability(rng):
            windows.append(
                AvailabilityWindow(profile=profile, weekday=day, start_minute=start, end_minute=end)
            )
    AvailabilityWindow.objects.bulk_create(windows)

    people = [u for u in users if u.pk not in (admin.pk, organiser.pk)]
    DoNotPair.objects.create(owner=people[3], other=people[4])
    today = timezone.localdate()
    coffee = create_program(
        actor=None,
        values={
            "kind": ProgramKind.COFFEE,
            "name": "Coffee Roulette",
            "slug": "coffee-roulette",
            "purpose": "Meet someone new from the community every month.",
            "objectives": "Break silos between teams; help newcomers build a network.",
            "expectations": "One conversation of 30–60 minutes each round, by video, phone or in "
            "person, within the meet-by week. Tell us afterwards whether you met.",
            "format": "Video call, phone or in person; you choose together.",
            "matching_description": "Random pairs that avoid repeats, prefer crossing teams and "
            "need overlapping availability.",
            "success_measures": "Met rate ≥ 70 %; members active after 3 rounds ≥ 80 %.",
            "cadence": Cadence.MONTHLY,
            "group_size": 2,
            "enrollment_mode": EnrollmentMode.OPEN,
            "status": ProgramStatus.ACTIVE,
            "starts_on": today - dt.timedelta(days=120),
        },
    )
    circles = create_program(
        actor=None,
        values={
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
            "status": ProgramStatus.ACTIVE,
            "starts_on": today - dt.timedelta(days=42),
            "ends_on": today + dt.timedelta(days=42),
        },
    )
    mentorship = create_program(
        actor=None,
        values={
            "kind": ProgramKind.MENTORSHIP,
            "name": "Community Mentorship",
            "slug": "mentorship",
            "purpose": "Long-term 1:1 mentoring for contributors who want to grow.",
            "objectives": "Every new contributor who asks gets a mentor within two weeks.",
            "expectations": "Mentees file a short monthly report; mentors review it and meet their "
            "mentees regularly. A commitment lasts one year.",
            "format": "Video calls and chat",
            "matching_description": "Engine suggestions by shared "
            "expertise, language and overlapping hours; organisers confirm.",
            "success_measures": "Time to match ≤ 14 days; monthly report rate ≥ 75 %.",
            "cadence": Cadence.CONTINUOUS,
            "group_size": 2,
            "enrollment_mode": EnrollmentMode.APPROVAL,
            "status": ProgramStatus.ACTIVE,
            "starts_on": today - dt.timedelta(days=200),
        },
    )
    for program in (coffee, circles, mentorship):
        program.organisers.add(organiser)
    organiser.user_permissions.add(
        Permission.objects.get(codename="add_program", content_type__app_label="programs")
    )
    SignupQuestion.objects.create(
        program=coffee,
        position=0,
        kind=QuestionKind.CHOICE,
        label="How did you hear about Coffee Roulette?",
        choices="A friend\nNewsletter\nChat",
        required=False,
    )
    SignupQuestion.objects.create(
        program=circles,
        position=0,
        kind=QuestionKind.TEXT,
        label="What would you like to work on this season?",
    )
    SignupQuestion.objects.create(
        program=mentorship,
        position=0,
        kind=QuestionKind.TEXT,
        label="What are your goals for the coming year?",
    )

    def enrol(
        program: Program,
        group: list[User],
        role: str = Role.PARTICIPANT,
        status: str = EnrollmentStatus.ACTIVE,
        days_ago: int = 150,
    ) -> list[Enrollment]:
        rows = [
            Enrollment(
                program=program,
                user=u,
                role=role,
                status=status,
                joined_at=None
                if status == EnrollmentStatus.APPLIED
                else now - dt.timedelta(days=days_ago - i % 20),
                agreement_accepted_at=now - dt.timedelta(days=days_ago),
            )
            for i, u in enumerate(group)
        ]
        return Enrollment.objects.bulk_create(rows)

    rng.shuffle(people)
    others = [p for p in people if p.pk != member.pk]
    n = len(others)

    def share(start: float, end: float) -> list[User]:
        """A slice of the community by proportion, so any --members size gets every role."""
        return others[int(n * start) : max(int(n * end), int(n * start) + 2)]

    enrol(coffee, [member, *share(0.0, 0.75)])
    circle_people = share(0.5, 0.8)
    pending = max(2, len(circle_people) // 15)
    enrol(circles, [member, *circle_people[:-pending]], days_ago=45)
    enrol(circles, circle_people[-pending:], status=EnrollmentStatus.APPLIED)
    mentors = share(0.8, 0.91)
    mentees = share(0.15, 0.5)
    enrol(mentorship, mentors, role=Role.MENTOR, days_ago=200)
    enrol(mentorship, mentees, role=Role.MENTEE, days_ago=120)

    for program in (coffee, circles, mentorship):
        _populate_kind(program, rng, now)
    return DemoSummary(members=len(users), programs=[coffee.slug, circles.slug, mentorship.slug])


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
