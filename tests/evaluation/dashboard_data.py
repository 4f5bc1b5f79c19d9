"""Hand-built programmes for the dashboard tests, one per kind, dated relative to today (the
pages' "to" date defaults to today), and a parser for the dashboards' tables."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from django.utils import timezone

from peerly.accounts.models import User
from peerly.circles.models import Attendance
from peerly.circles.models import AttendanceStatus
from peerly.circles.models import Circle
from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.circles.models import Season
from peerly.circles.models import SessionStatus
from peerly.growth.models import Goal
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorshipStatus
from peerly.mentorship.models import MonthlyReport
from peerly.mentorship.models import Review
from peerly.mentorship.models import ReviewDirection
from peerly.mentorship.models import ReviewRound
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.programs.models import Role
from peerly.programs.models import Strategy
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

SECRET = "ZZDASH-SECRET private words"


def _days_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


def _members(program: Program, n: int) -> list[User]:
    users = [UserFactory() for _ in range(n)]
    for user in users:
        EnrollmentFactory(program=program, user=user)
        Goal.objects.create(owner=user, program=program, title=SECRET)
    return users


def coffee(n: int, organiser: User | None = None) -> Program:
    """n members (even), one round closed two days ago in pairs; the first half of the pairs
    met."""
    program = ProgramFactory(kind=ProgramKind.COFFEE, organisers=[organiser or UserFactory()])
    people = _members(program, n)
    today = timezone.localdate()
    round_ = Round.objects.create(
        program=program,
        number=1,
        published_at=_days_ago(20),
        meets_from=today - dt.timedelta(days=20),
        meet_by=today - dt.timedelta(days=2),
    )
    pairs = [people[i : i + 2] for i in range(0, n - 1, 2)]
    for g, pair in enumerate(pairs):
        group = RoundGroup.objects.create(round=round_, number=g + 1)
        for i, user in enumerate(pair):
            answer = "all" if g < len(pairs) // 2 and i == 0 else ""
            GroupMember.objects.create(group=group, round=round_, user=user, answer=answer)
    return program


def circles(n: int, organiser: User | None = None) -> Program:
    """n members in one circle; three past sessions (two held, one missed), one cancelled;
    everyone present at the first, all but one at the second."""
    program = ProgramFactory(kind=ProgramKind.CIRCLE, organisers=[organiser or UserFactory()])
    people = _members(program, n)
    today = timezone.localdate()
    season = Season.objects.create(
        program=program,
        number=1,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=30),
        strategy=Strategy.STRANGERS,
    )
    circle = Circle.objects.create(season=season, program=program, number=1)
    for i, user in enumerate(people):
        CircleMember.objects.create(circle=circle, season=season, user=user, position=i)
    statuses = [SessionStatus.HELD, SessionStatus.HELD, SessionStatus.SCHEDULED]
    statuses.append(SessionStatus.CANCELLED)
    for number, status in enumerate(statuses, start=1):
        starts = _days_ago(50 - 10 * number)
        session = CircleSession.objects.create(
            circle=circle,
            number=number,
            original_starts_at=starts,
            starts_at=starts,
            status=status,
            cancel_reason=SECRET if status == SessionStatus.CANCELLED else "",
        )
        if status == SessionStatus.HELD:
            for i, user in enumerate(people):
                absent = number == 2 and i == 0
                Attendance.objects.create(
                    session=session,
                    user=user,
                    status=AttendanceStatus.ABSENT if absent else AttendanceStatus.PRESENT,
                )
    return program


def mentorship(n: int, organiser: User | None = None) -> Program:
    """n mentees, each applied 40 days ago, matched 30 days ago, accepted, active; a report
    and a review (rating 4) from each."""
    program = ProgramFactory(kind=ProgramKind.MENTORSHIP, organisers=[organiser or UserFactory()])
    mentor_user = UserFactory()
    mentor = MentorProfile.objects.create(
        program=program,
        user=mentor_user,
        enrollment=EnrollmentFactory(program=program, user=mentor_user, role=Role.MENTOR),
        capacity=50,
    )
    review_round = ReviewRound.objects.create(
        program=program,
        year=timezone.localdate().year,
        opened_at=_days_ago(5),
        closes_on=timezone.localdate() + dt.timedelta(days=10),
    )
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for user in _members(program, n):
        ms = Mentorship.objects.create(
            program=program,
            mentee=user,
            enrollment=program.enrollments.get(user=user),
            mentor=mentor,
            status=MentorshipStatus.ACTIVE,
            goals=SECRET,
            submitted_at=_days_ago(40),
            assigned_at=_days_ago(30),
            matched_at=_days_ago(30),
            accepted_at=_days_ago(28),
            graduated_at=_days_ago(20),
        )
        MonthlyReport.objects.create(
            mentorship=ms, month=last_month, did=SECRET, submitted_at=_days_ago(1)
        )
        Review.objects.create(
            round=review_round,
            mentorship=ms,
            direction=ReviewDirection.OF_MENTOR,
            reviewer=user,
            reviewee=mentor_user,
            strengths=SECRET,
            rating=4,
            submitted_at=_days_ago(1),
        )
    return program


BUILDERS = {"coffee": coffee, "circle": circles, "mentorship": mentorship}


class Tables(HTMLParser):
    """The dashboards' tables as {table key: [[data-value of each cell]]} (body rows)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.texts: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._in_body = False
        self._cell = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("data-table"):
            self._table = found["data-table"]
            self.tables[self._table] = []
            self.texts[self._table] = []
        elif self._table and tag == "tbody":
            self._in_body = True
        elif self._table and self._in_body and tag == "tr":
            self.tables[self._table].append([])
            self.texts[self._table].append([])
        elif self._table and self._in_body and tag in ("td", "th") and "data-value" in found:
            self.tables[self._table][-1].append(found["data-value"] or "")
            self.texts[self._table][-1].append("")
            self._cell = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._cell = False
        elif tag == "tbody" and self._table:
            self._in_body = False
            keep = [i for i, row in enumerate(self.tables[self._table]) if row]  # not "nothing"
            self.tables[self._table] = [self.tables[self._table][i] for i in keep]
            self.texts[self._table] = [self.texts[self._table][i] for i in keep]
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell and self._table:
            self.texts[self._table][-1][-1] += data.strip()
