"""Users (email login), member profiles, weekly availability and do-not-pair lists."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peerly.core.models import TimeStampedModel


def default_language() -> str:
    return settings.LANGUAGE_CODE


@cache
def all_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in all_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known IANA time zone (e.g. Europe/Paris)."),
            params={"value": value},
            code="invalid_timezone",
        )


def split_tags(value: str) -> list[str]:
    """'Python, Django;  python' -> ['Python', 'Django'] (order kept, case-insensitive unique)."""
    seen: set[str] = set()
    tags: list[str] = []
    for raw in value.replace(";", ",").split(","):
        tag = " ".join(raw.split())
        if tag and tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    return tags


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("is_active", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # LOWER(email) = lower(x) uses the user_email_ci_unique index (iexact is UPPER(): a scan)
        return self.alias(email_lower=Lower("email")).get(email_lower=(username or "").lower())


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=120, default="", blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Pages and emails for this member are in this language (peerly.core.i18n).
    language = models.CharField(
        gettext_lazy("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=default_language,
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]
        # the member list and the members API sort by (display_name, email): the first page
        # is read in index order instead of sorting every member (issue 19)
        indexes = [models.Index(fields=["display_name", "email"], name="user_name_order")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.email.split("@", 1)[0]

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class Channel(models.TextChoices):
    VIDEO = "video", gettext_lazy("Video call")
    PHONE = "phone", gettext_lazy("Phone")
    CHAT = "chat", gettext_lazy("Chat")
    IN_PERSON = "in_person", gettext_lazy("In person")
    ASYNC = "async", gettext_lazy("Async text")


class Frequency(models.TextChoices):
    """How often a member likes to meet. Coffee rounds honour it (`rounds.schedule.rests`): a
    member who asked for less often than a programme runs sits out the rounds in between."""

    EVERY_ROUND = "any", gettext_lazy("As often as each programme runs")
    WEEKLY = "weekly", gettext_lazy("Weekly")
    FORTNIGHTLY = "fortnightly", gettext_lazy("Every two weeks")
    MONTHLY = "monthly", gettext_lazy("Monthly")
    QUARTERLY = "quarterly", gettext_lazy("Every few months")


class Visibility(models.TextChoices):
    PROGRAMMES = "programmes", gettext_lazy("Members of my programmes")
    ORGANISERS = "organisers", gettext_lazy("Organisers of my programmes")
    PRIVATE = "private", gettext_lazy("Only me")


# Profile fields whose visibility the member chooses, with the default level.
VISIBLE_FIELDS: dict[str, str] = {
    "pronouns": Visibility.PROGRAMMES,
    "bio": Visibility.PROGRAMMES,
    "team": Visibility.PROGRAMMES,
    "location": Visibility.ORGANISERS,
    "timezone": Visibility.PROGRAMMES,
    "languages": Visibility.PROGRAMMES,
    "skills": Visibility.PROGRAMMES,
    "interests": Visibility.PROGRAMMES,
    "offers": Visibility.PROGRAMMES,
    "wants_to_learn": Visibility.PROGRAMMES,
    "channels": Visibility.PROGRAMMES,
    "frequency": Visibility.ORGANISERS,
    "availability": Visibility.PROGRAMMES,
}

# The profile fields the member fills in on the profile page, in page order (availability has
# its own grid).
MEMBER_PROFILE_FIELDS = tuple(f for f in VISIBLE_FIELDS if f != "availability")


class Profile(TimeStampedModel):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    pronouns = models.CharField(max_length=40, default="", blank=True)
    bio = models.TextField(default="", blank=True, max_length=2000)
    team = models.CharField(max_length=120, default="", blank=True, db_index=True)
    location = models.CharField(max_length=120, default="", blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    languages = models.CharField(max_length=300, default="", blank=True)
    skills = models.TextField(default="", blank=True)
    interests = models.TextField(default="", blank=True)
    offers = models.TextField(gettext_lazy("what I can offer"), default="", blank=True)
    wants_to_learn = models.TextField(gettext_lazy("what I want to learn"), default="", blank=True)
    channels = models.JSONField(default=list, blank=True)
    frequency = models.CharField(
        gettext_lazy("how often I like to meet"),
        max_length=20,
        choices=Frequency.choices,
        default=Frequency.EVERY_ROUND,
    )
    paused_until = models.DateField(null=True, blank=True)
    field_visibility = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def language_list(self) -> list[str]:
        return split_tags(self.languages)

    @property
    def skill_list(self) -> list[str]:
        return split_tags(self.skills)

    @property
    def interest_list(self) -> list[str]:
        return split_tags(self.interests)

    def visibility_of(self, field: str) -> str:
        return str(self.field_visibility.get(field, VISIBLE_FIELDS.get(field, "private")))

    def is_paused_on(self, day: object) -> bool:
        return self.paused_until is not None and self.paused_until >= day  # type: ignore[operator]


class AvailabilityWindow(models.Model):
    """A weekly window in the member's own time zone (weekday 0 = Monday, minutes of day)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField()
    start_minute = models.PositiveSmallIntegerField()
    end_minute = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["weekday", "start_minute"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="window_weekday"),
            models.CheckConstraint(
                condition=models.Q(start_minute__lt=models.F("end_minute"), end_minute__lte=1440),
                name="window_order",
            ),
        ]

    DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

    def __str__(self) -> str:
        return (
            f"{self.DAYS[self.weekday]} {self.start_minute // 60:02d}:{self.start_minute % 60:02d}"
            f"-{self.end_minute // 60:02d}:{self.end_minute % 60:02d}"
        )


class DoNotPair(models.Model):
    """Private: `owner` never wants to be grouped with `other`. Only the owner sees it."""

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="do_not_pair")
    other = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "other"], name="dnp_unique"),
            models.CheckConstraint(condition=~models.Q(owner=models.F("other")), name="dnp_self"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} ✕ {self.other_id}"


class ApiTokenScope(models.TextChoices):
    READ = "read", gettext_lazy("Read only")
    WRITE = "write", gettext_lazy("Read and write")


class ApiToken(models.Model):
    """A personal access token for the REST API (accounts/api_tokens.py holds the logic).

    Only the SHA-256 of the secret is stored; `prefix` (8 characters of the secret after
    `peerly_`) finds the row and is shown so the member can tell their tokens apart. `program`
    limits the token to one programme its owner organises (None: all the owner's access).
    """

    audit_private = True  # a member's own credentials: never filed under a programme's audit

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(
        max_length=10, choices=ApiTokenScope.choices, default=ApiTokenScope.READ
    )
    # CASCADE, never SET_NULL: a limited token must not widen to all access
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=["read", "write"]), name="apitoken_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix})"

    @property
    def display_prefix(self) -> str:
        """How the token is recognised in lists: its start, never the secret."""
        return f"peerly_{self.prefix}…"

    def is_active_at(self, now: object) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > now  # type: ignore[operator]
        )
