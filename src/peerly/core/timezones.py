"""Time zones for display: one way to find a member's zone and one label format.

Every member has an IANA zone (`Profile.timezone`); an empty or unknown name reads as UTC,
never an error (a zone removed from tzdata must not break a page). Datetimes stay aware and
in UTC everywhere else; these helpers are for showing them.

The label format, used on pages, in emails and in calendars' descriptions:

    Tue 14 Jan, 10:00 (Europe/Berlin)             when_label(moment, "Europe/Berlin")
    Tue 14 Jan 2025, 10:00 (Europe/Berlin)        when_label(..., year=True)
    Tue 14 Jan, 10:00                             when_label(..., zone_name=False)
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

UTC_NAME = "UTC"


def zone(name: str | zoneinfo.ZoneInfo | None) -> zoneinfo.ZoneInfo:
    """The IANA zone `name`; UTC when it is empty or unknown."""
    if isinstance(name, zoneinfo.ZoneInfo):
        return name
    try:
        return zoneinfo.ZoneInfo(name or UTC_NAME)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return zoneinfo.ZoneInfo(UTC_NAME)


def zone_name(name: str | None) -> str:
    """`name` if it is a known IANA zone, else "UTC"."""
    return zone(name).key


def user_zone_name(user: Any) -> str:
    """The zone a user reads times in (their profile's, else UTC)."""
    return zone_name(getattr(getattr(user, "profile", None), "timezone", "") or "")


def user_zone(user: Any) -> zoneinfo.ZoneInfo:
    return zone(user_zone_name(user))


def when_label(
    moment: dt.datetime,
    tz: str | zoneinfo.ZoneInfo | None,
    *,
    year: bool = False,
    zone_name: bool = True,
) -> str:
    """'Tue 14 Jan, 10:00 (Europe/Berlin)': `moment` (aware) on the wall clock of `tz`."""
    where = zone(tz)
    local = moment.astimezone(where)
    text = f"{local:%a} {local.day} {local:%b}"
    if year:
        text += f" {local:%Y}"
    text += f", {local:%H:%M}"
    if zone_name:
        text += f" ({where.key})"
    return text


def misaligned(when: dt.datetime, zones: Any) -> int:
    """How many of `zones` do not see `when` on :00 or :30 local time — the one alignment
    rule for suggested meeting starts (coffee suggestions and circle slot options)."""
    return sum(when.astimezone(zone(z)).minute % 30 != 0 for z in zones)
