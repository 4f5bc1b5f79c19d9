"""Slot vote, session creation and calendar files (parsed with icalendar)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core import mail
from icalendar import Calendar

from peerly.circles import services
from peerly.circles import slots
from peerly.circles.models import CircleSession
from peerly.circles.models import SessionStatus
from peerly.circles.models import SlotStatus
from peerly.core.errors import ServiceError
from tests.circles.conftest import BEFORE_SEASON
from tests.circles.conftest import SEASON_START
from tests.circles.conftest import member_users

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def calendars(outbox, *, to=None):  # type: ignore[no-untyped-def]
    out = []
    for message in outbox:
        if to and message.to != [to]:
            continue
        for name, content, mimetype in message.attachments:
            if name.endswith(".ics"):
                out.append((Calendar.from_ical(content), mimetype))
    return out


def offered(windows, minutes=90, zone="UTC", **kw):  # type: ignore[no-untyped-def]
    member = slots.MemberHours(user_id=1, zone=zone, windows=tuple(windows))
    return [
        o.minute_of_week
        for o in slots.offer_slots(
            [member],
            zone=zone,
            minutes=minutes,
            season_start=SEASON_START,
            season_end=SEASON_START + dt.timedelta(weeks=4),
            **kw,
        )
    ]


@pytest.mark.parametrize(
    ("windows", "minutes", "expected"),
    [
        (((0, 540, 720),), 90, [540, 600]),  # Mon 09:00-12:00: 09:00 and 10:00
        (((0, 545, 720),), 90, [570, 630]),  # starts on :00/:30 where the window allows
        (((0, 540, 600),), 90, []),  # too short
        (((6, 1380, 1440), (0, 0, 60)), 90, [6 * 1440 + 1380]),  # Sunday night into Monday
    ],
)
def test_offered_slots_fit_the_session_inside_the_windows(windows, minutes, expected):
    assert offered(windows, minutes) == expected


def test_offered_slots_are_spread_and_limited():
    many = offered([(d, 0, 1440) for d in range(7)], 60, limit=8)
    assert len(many) == 8 and many == sorted(many)
    assert len({m // 1440 for m in many}) > 1


def test_session_starts_every_interval_until_the_season_ends():
    starts = slots.session_starts(
        9 * 60,
        zone="UTC",
        season_start=SEASON_START,
        season_end=SEASON_START + dt.timedelta(weeks=12),
        interval_weeks=2,
        not_before=BEFORE_SEASON,
    )
    assert starts[0] == dt.datetime(2030, 1, 7, 9, tzinfo=UTC)
    assert len(starts) == 6
    assert all(b - a == dt.timedelta(weeks=2) for a, b in itertools.pairwise(starts))


def test_everyone_voting_decides_the_best_supported_slot(
    add_members, publish, django_capture_on_commit_callbacks
):
    add_members(3, windows=((0, 9 * 60, 12 * 60), (2, 14 * 60, 16 * 60)))
    circle = publish().circles.get()
    options = {
        o.first_start_at.astimezone(UTC).strftime("%a %H:%M"): o for o in circle.slot_options.all()
    }
    assert set(options) == {"Mon 09:00", "Mon 10:00", "Wed 14:00"}
    a, b, c = member_users(circle)
    wed, mon10 = options["Wed 14:00"].pk, options["Mon 10:00"].pk
    services.vote_slots(user=a, circle=circle, option_ids=[wed, mon10], now=BEFORE_SEASON)
    services.vote_slots(user=a, circle=circle, option_ids=[wed], now=BEFORE_SEASON)  # changes mind
    services.vote_slots(user=b, circle=circle, option_ids=[wed], now=BEFORE_SEASON)
    circle.refresh_from_db()
    assert circle.slot_status == SlotStatus.VOTING
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_slots(user=c, circle=circle, option_ids=[mon10], now=BEFORE_SEASON)
    circle.refresh_from_db()
    assert circle.slot_status == SlotStatus.SCHEDULED
    assert circle.slot_minute == 2 * 1440 + 14 * 60
    sessions = list(circle.sessions.order_by("number"))
    assert sessions[0].starts_at == dt.datetime(2030, 1, 9, 14, tzinfo=UTC)
    assert len(sessions) == 6 and all(s.duration_minutes == 90 for s in sessions)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in (a, b, c))
    cal, mimetype = calendars(mail.outbox, to=a.email)[0]
    assert mimetype.startswith("text/calendar") and "method=REQUEST" in mimetype
    assert cal["METHOD"] == "REQUEST"
    event = next(iter(cal.walk("VEVENT")))
    assert event["DTSTART"].dt == dt.datetime(2030, 1, 9, 14, tzinfo=UTC)
    assert event["DTEND"].dt - event["DTSTART"].dt == dt.timedelta(minutes=90)
    rrule = event["RRULE"]
    assert rrule["FREQ"] == ["WEEKLY"] and rrule["INTERVAL"] == [2] and rrule["COUNT"] == [6]
    assert int(event["SEQUENCE"]) == 0
    attendees = sorted(str(x).removeprefix("mailto:") for x in event["ATTENDEE"])
    assert attendees == sorted(u.email for u in (a, b, c))
    assert "ORGANIZER" in event


def test_ties_go_to_the_earliest_slot_and_closing_is_idempotent(add_members, publish):
    add_members(3, windows=((0, 9 * 60, 12 * 60), (2, 14 * 60, 16 * 60)))
    circle = publish().circles.get()
    a, b, _ = member_users(circle)
    by_time = {
        o.first_start_at.astimezone(UTC).strftime("%a %H:%M"): o.pk
        for o in circle.slot_options.all()
    }
    services.vote_slots(user=a, circle=circle, option_ids=[by_time["Wed 14:00"]], now=BEFORE_SEASON)
    services.vote_slots(user=b, circle=circle, option_ids=[by_time["Mon 10:00"]], now=BEFORE_SEASON)
    services.close_vote(actor=b, circle=circle, now=BEFORE_SEASON)
    circle.refresh_from_db()
    assert circle.slot_minute == 10 * 60  # Monday 10:00 comes before Wednesday
    count = circle.sessions.count()
    services.close_vote(actor=b, circle=circle, now=BEFORE_SEASON)
    assert circle.sessions.count() == count
    with pytest.raises(ServiceError):
        services.vote_slots(user=a, circle=circle, option_ids=[], now=BEFORE_SEASON)


def test_vote_rejects_foreign_options_and_non_members(add_members, publish):
    add_members(6)
    first, second = publish().circles.all()
    outsider_option = second.slot_options.first().pk
    user = member_users(first)[0]
    with pytest.raises(ServiceError, match="offered"):
        services.vote_slots(user=user, circle=first, option_ids=[outsider_option])
    with pytest.raises(ServiceError, match="members"):
        services.vote_slots(user=member_users(second)[0], circle=first, option_ids=[])


def test_vote_closed_mid_season_starts_after_a_day(add_members, publish):
    add_members(3)
    circle = publish().circles.get()
    now = dt.datetime(2030, 2, 4, 8, tzinfo=UTC)  # a Monday, an hour before the slot
    services.close_vote(actor=member_users(circle)[0], circle=circle, now=now)
    first = circle.sessions.order_by("number").first()
    assert first.starts_at == dt.datetime(2030, 2, 11, 9, tzinfo=UTC)
    assert circle.sessions.count() == 4  # Feb 11, 25, Mar 11, 25 (season ends Apr 1)


def test_reschedule_one_session_sends_an_override(
    scheduled_circle, django_capture_on_commit_callbacks
):
    circle = scheduled_circle
    a = member_users(circle)[0]
    second = circle.sessions.get(number=2)
    new = second.starts_at + dt.timedelta(days=1, hours=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_session(
            actor=a, session=second, starts_at=new, scope="this", now=BEFORE_SEASON
        )
    second.refresh_from_db()
    assert second.starts_at == new and second.is_rescheduled
    assert circle.sessions.get(number=3).starts_at == second.original_starts_at + dt.timedelta(
        weeks=2
    )
    assert len(mail.outbox) == 3
    cal, _ = calendars(mail.outbox, to=a.email)[0]
    master, override = list(cal.walk("VEVENT"))
    assert master["UID"] == override["UID"]
    assert int(master["SEQUENCE"]) == int(override["SEQUENCE"]) == 1
    assert override["RECURRENCE-ID"].dt == second.original_starts_at
    assert override["DTSTART"].dt == new
    assert "RRULE" in master and "RRULE" not in override


def test_reschedule_the_series_moves_every_following_session(scheduled_circle):
    circle = scheduled_circle
    a = member_users(circle)[0]
    third = circle.sessions.get(number=3)
    services.reschedule_session(
        actor=a,
        session=third,
        starts_at=third.starts_at + dt.timedelta(hours=1),
        scope="following",
        now=BEFORE_SEASON,
    )
    moved = {s.number: s.is_rescheduled for s in circle.sessions.all()}
    assert moved == {1: False, 2: False, 3: True, 4: True, 5: True, 6: True}
    circle.refresh_from_db()
    assert circle.calendar_sequence == 1


def test_reschedule_must_keep_sessions_in_order_and_in_the_future(scheduled_circle):
    circle = scheduled_circle
    a = member_users(circle)[0]
    second = circle.sessions.get(number=2)
    with pytest.raises(ServiceError, match="order"):
        services.reschedule_session(
            actor=a,
            session=second,
            starts_at=second.starts_at + dt.timedelta(weeks=3),
            now=BEFORE_SEASON,
        )
    with pytest.raises(ServiceError, match="future"):
        services.reschedule_session(
            actor=a,
            session=second,
            starts_at=BEFORE_SEASON - dt.timedelta(days=1),
            now=BEFORE_SEASON,
        )


def test_cancel_sends_method_cancel_for_that_occurrence(
    scheduled_circle, django_capture_on_commit_callbacks
):
    circle = scheduled_circle
    a = member_users(circle)[0]
    second = circle.sessions.get(number=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(actor=a, session=second, reason="Holiday")
        services.cancel_session(actor=a, session=second, reason="Holiday")  # idempotent
    assert len(mail.outbox) == 3
    cal, mimetype = calendars(mail.outbox, to=a.email)[0]
    assert "method=CANCEL" in mimetype and cal["METHOD"] == "CANCEL"
    event = next(iter(cal.walk("VEVENT")))
    assert event["STATUS"] == "CANCELLED"
    assert event["RECURRENCE-ID"].dt == second.original_starts_at
    assert int(event["SEQUENCE"]) == 1
    # the next full update leaves the cancelled one out (EXDATE)
    third = circle.sessions.get(number=3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_session(
            actor=a,
            session=third,
            starts_at=third.starts_at + dt.timedelta(hours=1),
            now=BEFORE_SEASON,
        )
    cal, _ = calendars(mail.outbox, to=a.email)[0]
    master = next(iter(cal.walk("VEVENT")))
    assert int(master["SEQUENCE"]) == 2
    exdates = [d.dt for d in master["EXDATE"].dts]
    assert exdates == [second.original_starts_at]
    second.refresh_from_db()
    assert second.status == SessionStatus.CANCELLED
    with pytest.raises(ServiceError):
        services.reschedule_session(
            actor=a,
            session=second,
            starts_at=second.starts_at + dt.timedelta(hours=1),
            now=BEFORE_SEASON,
        )


def test_calendar_download_is_the_current_series(scheduled_circle, client):
    a = member_users(scheduled_circle)[0]
    client.force_login(a)
    url = f"/programs/circles/circles/c/{scheduled_circle.pk}/calendar.ics"
    response = client.get(url)
    assert response.status_code == 200
    cal = Calendar.from_ical(response.content)
    event = next(iter(cal.walk("VEVENT")))
    assert event["RRULE"]["COUNT"] == [
        CircleSession.objects.filter(circle=scheduled_circle).count()
    ]


def test_slot_options_are_shown_in_the_members_time_zone(add_members, publish, client):
    users = add_members(3, windows=((0, 10 * 60, 13 * 60),), tz="Europe/Berlin")
    circle = publish().circles.get()
    client.force_login(users[0])
    page = client.get(f"/programs/circles/circles/c/{circle.pk}/").content.decode()
    assert "Monday 10:00" in page  # 09:00 UTC in January
    assert "Europe/Berlin" in page
