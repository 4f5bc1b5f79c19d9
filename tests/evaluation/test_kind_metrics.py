"""The programme kinds' own metrics (issue 15), on hand-made data with known answers:
unknown answers, people who left, the 5-people rule, per programme and for the whole site."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from peerly.circles.models import Attendance
from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.circles.models import SessionStatus
from peerly.evaluation import kpi
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MonthlyReport
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import ProgramKind
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from tests.evaluation.conftest import TODAY
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _round(program, number: int, meet_by: dt.date, groups: list[list], answers=None):  # type: ignore[no-untyped-def]
    round_ = Round.objects.create(
        program=program,
        number=number,
        published_at=timezone.now(),
        meets_from=meet_by - dt.timedelta(days=14),
        meet_by=meet_by,
    )
    for g, members in enumerate(groups, start=1):
        group = RoundGroup.objects.create(round=round_, number=g)
        for user in members:
            answer = (answers or {}).get(user.pk, "")
            GroupMember.objects.create(group=group, round=round_, user=user, answer=answer)
    return round_


# ------------------------------------------------------------------------------ coffee
def test_met_rate_counts_groups_with_a_yes_over_closed_rounds(members) -> None:
    program = ProgramFactory(kind=ProgramKind.COFFEE)
    people = members(program, 8)
    pairs = [people[i : i + 2] for i in range(0, 8, 2)]
    answers = {
        people[0].pk: "all",  # group 1 met
        people[2].pk: "some",  # group 2 met
        people[4].pk: "no",  # group 3 did not; group 4 never answered (unknown = not met)
    }
    _round(program, 1, TODAY - dt.timedelta(days=3), pairs, answers)
    _round(program, 2, TODAY + dt.timedelta(days=7), pairs, {p.pk: "all" for p in people})
    _round(program, 3, TODAY - dt.timedelta(days=400), pairs, {})  # older than a year
    figure = kpi.get("met_rate").figure(program=program, today=TODAY)
    assert (figure.value, figure.numerator, figure.denominator, figure.people) == (50.0, 2, 4, 8)
    # the whole site: another coffee programme's groups count too
    other = ProgramFactory(kind=ProgramKind.COFFEE)
    more = members(other, 2)
    _round(other, 1, TODAY - dt.timedelta(days=1), [more], {more[0].pk: "all"})
    site = kpi.get("met_rate").figure(today=TODAY)
    assert (site.numerator, site.denominator, site.people) == (3, 5, 10)


def test_met_rate_hides_under_five_people(members) -> None:
    program = ProgramFactory(kind=ProgramKind.COFFEE)
    people = members(program, 4)
    _round(
        program, 1, TODAY - dt.timedelta(days=1), [people[:2], people[2:]], {people[0].pk: "all"}
    )
    figure = kpi.get("met_rate").figure(program=program, today=TODAY)
    assert figure.value is None and figure.numerator is None and figure.too_few


def test_active_after_3_rounds_counts_who_is_still_in(members) -> None:
    program = ProgramFactory(kind=ProgramKind.COFFEE)
    early = members(program, 6)  # first drawn in round 1
    late = members(program, 2)  # first drawn in round 3: too recent to count
    for n in (1, 2):
        _round(program, n, TODAY, [early[i : i + 2] for i in range(0, 6, 2)])
    for n in (3, 4):
        _round(program, n, TODAY, [early[:2], late])
    left = program.enrollments.get(user=early[0])
    left.status = EnrollmentStatus.LEFT
    left.save()
    paused = program.enrollments.get(user=early[1])
    paused.status = EnrollmentStatus.PAUSED
    paused.save()
    figure = kpi.get("active_after_3_rounds").figure(program=program, today=TODAY)
    # latest round 4: members first drawn in round <= 1 -> the 6 early ones; 5 still in
    assert (figure.value, figure.numerator, figure.denominator) == (83.3, 5, 6)


def test_active_after_3_rounds_needs_four_rounds(members) -> None:
    program = ProgramFactory(kind=ProgramKind.COFFEE)
    people = members(program, 6)
    for n in (1, 2, 3):
        _round(program, n, TODAY, [people[i : i + 2] for i in range(0, 6, 2)])
    assert kpi.get("active_after_3_rounds").figure(program=program, today=TODAY).value is None


# ----------------------------------------------------------------------------- circles
def _session(circle, number: int, when: dt.datetime, status: str) -> CircleSession:  # type: ignore[no-untyped-def]
    return CircleSession.objects.create(
        circle=circle, number=number, original_starts_at=when, starts_at=when, status=status
    )


def test_session_completion_and_attendance(members, circle_of) -> None:
    program = ProgramFactory(kind=ProgramKind.CIRCLE, group_size=3)
    people = members(program, 6)
    circle = circle_of(program)
    for pos, user in enumerate(people):
        CircleMember.objects.create(circle=circle, season=circle.season, user=user, position=pos)
    past = timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=7), dt.time(18)))
    held = _session(circle, 1, past, SessionStatus.HELD)
    _session(circle, 2, past + dt.timedelta(days=1), SessionStatus.HELD)
    _session(circle, 3, past + dt.timedelta(days=2), SessionStatus.SCHEDULED)  # missed
    _session(circle, 4, past + dt.timedelta(days=3), SessionStatus.CANCELLED)  # not counted
    _session(circle, 5, past + dt.timedelta(days=30), SessionStatus.SCHEDULED)  # future
    for i, user in enumerate(people):
        Attendance.objects.create(session=held, user=user, status="present" if i < 5 else "absent")
    completion = kpi.get("session_completion").figure(program=program, today=TODAY)
    assert (completion.numerator, completion.denominator, completion.people) == (2, 3, 6)
    assert completion.value == 66.7
    attendance = kpi.get("attendance").figure(program=program, today=TODAY)
    assert (attendance.value, attendance.numerator, attendance.denominator) == (83.3, 5, 6)


# -------------------------------------------------------------------------- mentorship
def _mentorship(program, *, submitted: dt.datetime, matched=None, accepted=None, ended=None):  # type: ignore[no-untyped-def]
    mentee = UserFactory()
    enrollment = EnrollmentFactory(program=program, user=mentee)
    return Mentorship.objects.create(
        program=program,
        mentee=mentee,
        enrollment=enrollment,
        submitted_at=submitted,
        matched_at=matched,
        accepted_at=accepted,
        ended_at=ended,
        status="ended" if accepted else "submitted",  # a status that needs no mentor row
    )


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def test_time_to_match_is_the_median_of_matched_applications() -> None:
    program = ProgramFactory(kind=ProgramKind.MENTORSHIP)
    start = TODAY - dt.timedelta(days=60)
    for days in (2, 4, 10, 20, 30):
        _mentorship(program, submitted=_at(start), matched=_at(start + dt.timedelta(days=days)))
    _mentorship(program, submitted=_at(start))  # not matched yet: not counted
    old = TODAY - dt.timedelta(days=500)
    _mentorship(program, submitted=_at(old), matched=_at(old + dt.timedelta(days=90)))
    figure = kpi.get("time_to_match").figure(program=program, today=TODAY)
    assert (figure.value, figure.people, figure.denominator) == (10.0, 5, 5)
    from peerly.evaluation.kpi import Shown

    assert Shown(kpi.get("time_to_match"), figure).text == "10.0 days"


def test_report_rate_over_the_last_three_complete_months() -> None:
    program = ProgramFactory(kind=ProgramKind.MENTORSHIP)
    # TODAY is 2027-03-01: the months are December, January and February
    dec, jan, feb = dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2027, 2, 1)
    running = [
        _mentorship(
            program, submitted=_at(dt.date(2026, 10, 1)), accepted=_at(dt.date(2026, 11, 1))
        )
        for _ in range(4)
    ]
    joined_jan = _mentorship(
        program, submitted=_at(dt.date(2026, 12, 20)), accepted=_at(dt.date(2027, 1, 15))
    )
    ended_dec = _mentorship(
        program,
        submitted=_at(dt.date(2026, 9, 1)),
        accepted=_at(dt.date(2026, 10, 1)),
        ended=_at(dt.date(2026, 12, 10)),
    )
    _mentorship(program, submitted=_at(dt.date(2027, 2, 1)))  # never accepted: not counted
    # expected: 4 x 3 + 2 (Jan, Feb) + 1 (Dec) = 15 months; reports: 9
    for month in (dec, jan, feb):
        for m in running[:2]:
            MonthlyReport.objects.create(
                mentorship=m, month=month, did="x", submitted_at=_at(month)
            )
    MonthlyReport.objects.create(mentorship=running[2], month=jan, did="x", submitted_at=_at(jan))
    MonthlyReport.objects.create(mentorship=joined_jan, month=feb, did="x", submitted_at=_at(feb))
    MonthlyReport.objects.create(mentorship=ended_dec, month=dec, did="x", submitted_at=_at(dec))
    MonthlyReport.objects.create(  # before the window: not counted
        mentorship=running[3], month=dt.date(2026, 11, 1), did="x", submitted_at=_at(dec)
    )
    figure = kpi.get("report_rate").figure(program=program, today=TODAY)
    assert (figure.numerator, figure.denominator, figure.people) == (9, 15, 6)
    assert figure.value == 60.0


@pytest.mark.parametrize(
    ("zone", "change_day"),
    [("Europe/Berlin", dt.date(2027, 3, 28)), ("America/New_York", dt.date(2027, 3, 14))],
)
def test_sessions_before_today_are_cut_at_local_midnight_on_a_dst_change(
    zone, change_day, members, circle_of, settings
) -> None:
    """ "Before today" is the site's local midnight of that very date, converted on that date:
    on the day clocks change, a session at 23:30 the evening before counts, one at 00:30 does
    not (a midnight taken in UTC, or at another date's offset, would misplace them)."""
    import zoneinfo

    settings.TIME_ZONE = zone
    timezone.activate(zoneinfo.ZoneInfo(zone))
    try:
        program = ProgramFactory(kind=ProgramKind.CIRCLE, group_size=3)
        people = members(program, 5)
        circle = circle_of(program)
        for pos, user in enumerate(people):
            CircleMember.objects.create(
                circle=circle, season=circle.season, user=user, position=pos
            )
        local = zoneinfo.ZoneInfo(zone)
        evening = dt.datetime.combine(change_day - dt.timedelta(days=1), dt.time(23, 30))
        after_midnight = dt.datetime.combine(change_day, dt.time(0, 30))
        _session(circle, 1, evening.replace(tzinfo=local), SessionStatus.HELD)
        _session(circle, 2, after_midnight.replace(tzinfo=local), SessionStatus.HELD)
        figure = kpi.get("session_completion").figure(program=program, today=change_day)
        assert (figure.numerator, figure.denominator) == (1, 1)
        later = kpi.get("session_completion").figure(
            program=program, today=change_day + dt.timedelta(days=1)
        )
        assert (later.numerator, later.denominator) == (2, 2)
    finally:
        timezone.deactivate()
