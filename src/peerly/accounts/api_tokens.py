"""Personal access tokens for the REST API: create, list, revoke, authenticate, rate-limit.

A secret is `peerly_` + 40 url-safe random characters (240 bits). It is shown once, when the
token is created, and never stored or logged: the row keeps its SHA-256 (hex) and `prefix`,
the 8 characters after `peerly_`, which finds the row (an index) and tells the member's
tokens apart on the page. The hash is compared with `hmac.compare_digest`.

    new = create_token(user=u, name="CI", scope="read", program=None, expires_in_days=90)
    new.secret   # show it now; it cannot be recovered
    authenticate("peerly_…")  # -> (user, token) or None

Scopes, programme limits and the rate limit are enforced for every API request by
`peerly.api.auth` (docs/api.md, "Authentication").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import re
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.accounts.models import ApiToken
from peerly.accounts.models import ApiTokenScope
from peerly.accounts.models import User
from peerly.core import audit
from peerly.core.errors import ServiceError
from peerly.programs.models import Program

SECRET_PREFIX = "peerly_"  # noqa: S105  (the public marker of a token, not a secret)
SECRET_BYTES = 30  # token_urlsafe(30) is exactly 40 characters
PREFIX_LENGTH = 8
SECRET_RE = re.compile(r"peerly_[A-Za-z0-9_-]{40}")
NAME_MAX_LENGTH = 100
MAX_ACTIVE_TOKENS = 20
EXPIRY_DAYS = (30, 90, 365)  # or None: never
LAST_USED_EVERY = dt.timedelta(minutes=1)  # at most one write per token and minute
RATE_PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


@dataclass(frozen=True)
class NewToken:
    """A token just created and its secret, which exists only in this value."""

    token: ApiToken
    secret: str

    def __repr__(self) -> str:  # never print the secret by accident
        return f"NewToken(token={self.token.pk}, secret='peerly_{self.token.prefix}…')"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def active_q(now: dt.datetime) -> Q:
    return Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


# ----------------------------------------------------------------------------- selectors
def list_programs_for_tokens(*, user: User) -> QuerySet[Program]:
    """The programmes `user` may limit a token to: the ones they organise."""
    return Program.objects.filter(organisers=user).order_by("name")


def list_tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    """`user`'s own tokens, newest first, revoked and expired ones included."""
    return ApiToken.objects.filter(user=user).select_related("program")


def get_token_for_user(*, user: User, token_id: object) -> ApiToken:
    """One of `user`'s own tokens; anybody else's (or none) is 404."""
    try:
        pk = int(str(token_id))
    except ValueError:
        raise Http404("No such token.") from None
    token = ApiToken.objects.filter(pk=pk, user=user).first() if 0 < pk < 2**63 else None
    if token is None:
        raise Http404("No such token.")
    return token


# ----------------------------------------------------------------------------- services
@transaction.atomic
def create_token(
    *,
    user: User,
    name: str,
    scope: str,
    program: Program | None = None,
    expires_in_days: int | None = None,
) -> NewToken:
    """A new token for `user`; the returned secret is the only copy. Audited (no secret)."""
    name = " ".join(name.split())
    if not name:
        raise ServiceError(_("Give the token a name."), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise ServiceError(
            _("A token name has at most %(max)d characters.") % {"max": NAME_MAX_LENGTH},
            field="name",
        )
    if scope not in ApiTokenScope.values:
        raise ServiceError(_("Choose read only, or read and write."), field="scope")
    if expires_in_days is not None and expires_in_days not in EXPIRY_DAYS:
        raise ServiceError(_("Choose one of the offered expiry periods."), field="expires")
    # the lock makes the cap hold when two requests create tokens at once
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ServiceError(_("This account is not active."))
    if program is not None and not list_programs_for_tokens(user=user).filter(pk=program.pk):
        raise ServiceError(
            _("You can only limit a token to a programme you organise."), field="program"
        )
    now = timezone.now()
    if ApiToken.objects.filter(active_q(now), user=user).count() >= MAX_ACTIVE_TOKENS:
        raise ServiceError(
            _("You have %(max)d active tokens: revoke one before creating another.")
            % {"max": MAX_ACTIVE_TOKENS}
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[len(SECRET_PREFIX) : len(SECRET_PREFIX) + PREFIX_LENGTH],
        hash=hash_secret(secret),
        scope=scope,
        program=program,
        created_at=now,
        expires_at=now + dt.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    audit.record(
        actor=user,
        action="api_token.create",
        obj=token,
        data={
            "name": token.name,
            "prefix": token.prefix,
            "scope": token.scope,
            "program": program.slug if program else None,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        },
    )
    return NewToken(token=token, secret=secret)


@transaction.atomic
def revoke_token(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke `token` (one of `actor`'s own). Idempotent: a revoked token stays as it was,
    and only the first revocation is audited."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.user_id != actor.pk:
        raise Http404("No such token.")
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    audit.saved(
        locked,
        actor=actor,
        action="api_token.revoke",
        update_fields=["revoked_at"],
        data={"name": locked.name, "prefix": locked.prefix},
    )
    return locked


def authenticate(raw: str) -> tuple[User, ApiToken] | None:
    """The user and token a presented secret belongs to; None for anything unknown,
    malformed, revoked or expired, or when the account is inactive. Records the use
    (`last_used_at`) at most once a minute."""
    if not SECRET_RE.fullmatch(raw):
        return None
    digest = hash_secret(raw)
    prefix = raw[len(SECRET_PREFIX) : len(SECRET_PREFIX) + PREFIX_LENGTH]
    found = None
    for candidate in ApiToken.objects.filter(prefix=prefix).select_related("user", "program"):
        if hmac.compare_digest(candidate.hash, digest):
            found = candidate
    now = timezone.now()
    if found is None or not found.is_active_at(now) or not found.user.is_active:
        return None
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_EVERY:
        # conditional: concurrent requests of the same minute write once
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_EVERY),
            pk=found.pk,
        ).update(last_used_at=now)
        found.last_used_at = now
    return found.user, found


# ----------------------------------------------------------------------------- rate limit
def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/minute" -> (600, 60). Units: s/sec/second, m/min/minute, h/hour, d/day."""
    count, _sep, unit = rate.partition("/")
    try:
        limit = int(count)
        period = RATE_PERIODS[unit.strip().lower()]
    except (ValueError, KeyError):
        raise ImproperlyConfigured(
            f"PEERLY_API_TOKEN_RATE must look like '600/minute', not {rate!r}"
        ) from None
    if limit < 1:
        raise ImproperlyConfigured("PEERLY_API_TOKEN_RATE needs at least one request")
    return limit, period


def retry_after() -> int:
    """Seconds until the current rate window ends (windows are aligned on the epoch)."""
    _limit, period = parse_rate(settings.PEERLY_API_TOKEN_RATE)
    return max(1, math.ceil(period - time.time() % period))


def allow_request(token: ApiToken) -> bool:
    """Count one request of `token` in the current fixed window of the Django cache; False
    once the window's count is over PEERLY_API_TOKEN_RATE."""
    limit, period = parse_rate(settings.PEERLY_API_TOKEN_RATE)
    window = int(time.time() // period)
    key = f"peerly:api-token-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=period + 5)
        count = 1
    return count <= limit
