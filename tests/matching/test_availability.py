import datetime as dt

import pytest

from peerly.matching import common_windows
from peerly.matching import local_windows_to_utc
from peerly.matching import overlap_minutes
from peerly.matching import parse_window
from peerly.matching.availability import WEEK_MINUTES
from peerly.matching.availability import common_intervals
from peerly.matching.availability import local_windows_between
from peerly.matching.availability import longest_window

WINTER = dt.date(2025, 1, 15)
SUMMER = dt.date(2025, 7, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon 09:00-12:00", (0, 540, 720)),
        ("sun 23:00-24:00", (6, 1380, 1440)),
        ("Friday 22:00-01:00", (4, 1320, 1500)),
        ("  Tue 7:30 - 8:15 ", (1, 450, 495)),
    ],
)
def test_parse_window(text, expected):
    assert parse_window(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mon 9-12", "malformed window"),
        ("Xyz 09:00-10:00", "unknown weekday"),
        ("Mon 25:00-26:00", "invalid time"),
        ("Mon 10:00-10:00", "empty window"),
        ("Mon 10:60-11:00", "invalid time"),
    ],
)
def test_parse_window_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_window(text)


def test_dst_offset_comes_from_reference_date():
    winter = local_windows_to_utc([(0, 540, 600)], "Europe/Berlin", reference=WINTER)
    summer = local_windows_to_utc([(0, 540, 600)], "Europe/Berlin", reference=SUMMER)
    assert winter == ((480, 540),)  # UTC+1
    assert summer == ((420, 480),)  # UTC+2


def test_window_wrapping_the_week_is_split():
    # Monday 00:30-02:00 in Tokyo (UTC+9) is Sunday 15:30-17:00 UTC
    assert local_windows_to_utc([(0, 30, 120)], "Asia/Tokyo", reference=WINTER) == (
        (WEEK_MINUTES - 510, WEEK_MINUTES - 420),
    )
    # Sunday 23:00-02:00 UTC wraps into Monday
    assert local_windows_to_utc([(6, 1380, 1560)], "UTC", reference=WINTER) == (
        (0, 120),
        (WEEK_MINUTES - 60, WEEK_MINUTES),
    )


def test_unknown_zone():
    with pytest.raises(ValueError, match="unknown time zone"):
        local_windows_to_utc([(0, 0, 60)], "Mars/Olympus")


def test_overlap_and_common_windows():
    a = ((0, 120), (600, 700))
    b = ((60, 650),)
    assert common_windows(a, b) == ((60, 120), (600, 650))
    assert overlap_minutes(a, b) == 110
    assert overlap_minutes(a, ()) == 220  # empty = unconstrained
    assert overlap_minutes() == WEEK_MINUTES
    assert overlap_minutes(a, ((800, 900),)) == 0


def test_longest_window_joins_week_end():
    assert longest_window(((0, 60), (WEEK_MINUTES - 30, WEEK_MINUTES))) == 90


# ------------------------------------------------------------ per-date (absolute) intervals
def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("windows", "tz", "start_on", "end_on", "expected"),
    [
        # New York 09:00-10:00 on Fri 12 (EST) and Mon 15 March 2027 (EDT): per date offsets
        (
            [(4, 540, 600), (0, 540, 600)],
            "America/New_York",
            dt.date(2027, 3, 12),
            dt.date(2027, 3, 16),
            (
                (utc(2027, 3, 12, 14), utc(2027, 3, 12, 15)),
                (utc(2027, 3, 15, 13), utc(2027, 3, 15, 14)),
            ),
        ),
        # the range is half-open: the end date is not included
        (
            [(4, 540, 600)],
            "UTC",
            dt.date(2027, 3, 5),
            dt.date(2027, 3, 12),
            ((utc(2027, 3, 5, 9), utc(2027, 3, 5, 10)),),
        ),
        # spring forward in New York (Sun 14 March, 02:00-03:00 does not exist): 01:00-04:00
        # local is two real hours, 06:00-08:00Z
        (
            [(6, 60, 240)],
            "America/New_York",
            dt.date(2027, 3, 14),
            dt.date(2027, 3, 15),
            ((utc(2027, 3, 14, 6), utc(2027, 3, 14, 8)),),
        ),
        # a window starting inside the gap starts at the transition (07:00Z = 03:00 EDT)
        (
            [(6, 150, 240)],
            "America/New_York",
            dt.date(2027, 3, 14),
            dt.date(2027, 3, 15),
            ((utc(2027, 3, 14, 7), utc(2027, 3, 14, 8)),),
        ),
        # a window entirely inside the gap does not exist
        ([(6, 120, 180)], "America/New_York", dt.date(2027, 3, 14), dt.date(2027, 3, 15), ()),
        # fall back (Sun 7 Nov, 01:00-02:00 twice): 00:00-03:00 local is four real hours
        (
            [(6, 0, 180)],
            "America/New_York",
            dt.date(2027, 11, 7),
            dt.date(2027, 11, 8),
            ((utc(2027, 11, 7, 4), utc(2027, 11, 7, 8)),),
        ),
        # an ambiguous end uses its first occurrence (fold=0, EDT): 01:30 EDT = 05:30Z
        (
            [(6, 0, 90)],
            "America/New_York",
            dt.date(2027, 11, 7),
            dt.date(2027, 11, 8),
            ((utc(2027, 11, 7, 4), utc(2027, 11, 7, 5, 30)),),
        ),
        # a window crossing midnight ends on the next local day; touching windows merge
        (
            [(4, 1320, 1500), (5, 60, 120)],
            "Asia/Kathmandu",
            dt.date(2027, 3, 12),
            dt.date(2027, 3, 14),
            ((utc(2027, 3, 12, 16, 15), utc(2027, 3, 12, 20, 15)),),
        ),
    ],
)
def test_local_windows_between(windows, tz, start_on, end_on, expected):
    assert local_windows_between(windows, tz, start_on=start_on, end_on=end_on) == expected


def test_local_windows_between_unknown_zone_and_reversed_range():
    with pytest.raises(ValueError, match="unknown time zone"):
        local_windows_between([(0, 0, 60)], "Mars/Olympus", start_on=WINTER, end_on=SUMMER)
    assert local_windows_between([(0, 0, 60)], "UTC", start_on=SUMMER, end_on=WINTER) == ()


def test_common_intervals():
    a = ((utc(2027, 3, 12, 8), utc(2027, 3, 12, 12)), (utc(2027, 3, 13, 8), utc(2027, 3, 13, 9)))
    b = ((utc(2027, 3, 12, 11), utc(2027, 3, 13, 8, 30)),)
    assert common_intervals(a, b) == (
        (utc(2027, 3, 12, 11), utc(2027, 3, 12, 12)),
        (utc(2027, 3, 13, 8), utc(2027, 3, 13, 8, 30)),
    )
    assert common_intervals(a) == a
    assert common_intervals(a, ()) == ()  # an empty list is "never", not "any time"
    assert common_intervals() == ()


def test_local_windows_to_utc_is_one_reference_week_only():
    # the reference week's offset is applied to the whole week: a week spanning a change
    # gets one offset in local_windows_to_utc, and the real one per date in the new function
    ny = [(4, 540, 600), (0, 540, 600)]
    week = local_windows_to_utc(ny, "America/New_York", reference=dt.date(2027, 3, 12))
    assert week == ((540 + 300, 600 + 300), (4 * 1440 + 540 + 300, 4 * 1440 + 600 + 300))
    (_, monday) = local_windows_between(
        ny, "America/New_York", start_on=dt.date(2027, 3, 12), end_on=dt.date(2027, 3, 16)
    )
    assert monday[0].hour == 13  # EDT, not the reference week's EST
