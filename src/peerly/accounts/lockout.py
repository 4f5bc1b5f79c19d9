"""django-axes hooks: how failed log-ins are counted.

* One count per account: the email is stripped and lower-cased before axes records or checks
  it (``AXES_USERNAME_CALLABLE``), as it is before authentication (``LoginForm``), so
  ``Member@…`` and ``MEMBER@…`` share the same ``AXES_FAILURE_LIMIT`` tries, from anywhere.
* One count per IP address across every account it tries: ``AXES_IP_FAILURE_LIMIT``.
* A successful log-in clears only that account's own failures, never the address's count
  against other accounts (so logging in to one's own account does not buy more guesses).
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def normalise_email(value: object) -> str:
    return str(value).strip().lower()


def username_from(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the identifier axes counts, normalised like stored emails."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        raw = credentials.get(field)
    else:
        raw = getattr(request, "data", request.POST).get(field)
    return None if raw is None else normalise_email(raw)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with two separate limits: per account and per IP address."""

    def _recent_failures(self, request: Any, **filters: Any) -> int:
        attempts = AccessAttempt.objects.filter(**filters)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """Failures that count against this attempt, compared with ``AXES_FAILURE_LIMIT``.

        The account's own failures; when the address is over its limit, at least the limit.
        """
        username = get_client_username(request, credentials)
        by_account = self._recent_failures(request, username=username) if username else 0
        ip_address = getattr(request, "axes_ip_address", None)
        if ip_address:
            by_address = self._recent_failures(request, ip_address=ip_address)
            if by_address >= int(getattr(settings, "AXES_IP_FAILURE_LIMIT", 20)):
                return max(by_account, get_failure_limit(request, credentials))
        return by_account

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """On success: forget the account's own failures only."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
