import datetime as dt

import pytest

from peerly.matching import common_windows, local_windows_to_utc, overlap_minutes, parse_window
from peerly.matching.availability import WEEK_MINUTES, longest_window

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
