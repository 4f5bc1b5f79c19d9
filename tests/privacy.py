"""Field-visibility helpers for the permission tables: a member who hides every profile field
("Only me") behind distinctive markers, and the check that none of them leaks."""

from __future__ import annotations

from dataclasses import dataclass

from peerly.accounts.models import VISIBLE_FIELDS
from peerly.accounts.models import AvailabilityWindow
from peerly.accounts.models import User
from peerly.accounts.models import Visibility


@dataclass(frozen=True)
class Secret:
    mark: str  # in every text field
    tz: str  # a real zone nobody else in the tests uses
    start: int  # minute of day of a Sunday availability window
    end: int

    @property
    def window(self) -> str:  # how the window renders
        return (
            f"{self.start // 60:02d}:{self.start % 60:02d}-{self.end // 60:02d}:{self.end % 60:02d}"
        )

    @property
    def markers(self) -> tuple[str, ...]:
        return (self.mark, self.tz.split("/")[-1], self.window, SHARED)


SHARED = "ZZSHARED5150"  # a hidden interest both secret-keepers have
MINE = Secret("ZZHIDDEN7781", "Pacific/Chatham", 3 * 60 + 17, 4 * 60 + 41)
THEIRS = Secret("ZZSECRET4242", "Asia/Kathmandu", 5 * 60 + 23, 6 * 60 + 59)
MARK, HIDDEN_TZ = MINE.mark, MINE.tz


def hide_everything(user: User, *, level: str = Visibility.PRIVATE, secret: Secret = MINE) -> None:
    """Fill every text field of `user`'s profile with a marker and set every field to `level`."""
    profile = user.profile
    for name in ("pronouns", "bio", "team", "location", "offers", "wants_to_learn"):
        setattr(profile, name, f"{secret.mark}-{name}")
    profile.languages = f"{secret.mark}-language, {SHARED}-lang, English"
    profile.skills = f"{secret.mark}-skill, Python"
    profile.interests = f"{secret.mark}-interest, {SHARED}, chess"
    profile.timezone = secret.tz
    profile.field_visibility = dict.fromkeys(VISIBLE_FIELDS, str(level))
    profile.save()
    AvailabilityWindow.objects.create(
        profile=profile, weekday=6, start_minute=secret.start, end_minute=secret.end
    )
    for day in range(5):  # free all week, so that secret-keepers can still be matched
        AvailabilityWindow.objects.create(
            profile=profile, weekday=day, start_minute=0, end_minute=24 * 60
        )


def leaks(text: str, *secrets: Secret) -> list[str]:
    """The markers of `secrets` (default: MINE) found in `text`; empty when nothing leaked."""
    found = []
    for secret in secrets or (MINE,):
        found.extend(m for m in secret.markers if m.lower() in text.lower() and m not in found)
    return found
