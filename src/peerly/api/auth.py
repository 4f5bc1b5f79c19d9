"""Token authentication for /api/v1/: `Authorization: Bearer peerly_…` (docs/api.md).

The API accepts a personal access token (this module) or the browser session (ninja's
`django_auth`, which checks CSRF on unsafe methods). The token comes first in the list: a
request that presents a Bearer token is a token request and is decided here (a bad token is
401, never a fall-back to the session), so it needs no CSRF token; any other request goes on
to the session check and keeps its CSRF protection.

Central rules for token requests, before any endpoint runs:

- scope: a read-only token may only GET/HEAD/OPTIONS (403 "This token is read-only.").
- programme limit: a token limited to one programme only reaches endpoints whose path names
  that programme (`{slug}` in the route, read from `request.resolver_match`), plus
  `GET /me` (who the token belongs to). Any other programme is 403, and so is every endpoint
  that is not about one programme (`/me/goals`, `/programs`, `/me/export`…): they would show
  the owner's data of every programme, or write into one named in the body.
- rate: `ApiTokenRateThrottle` counts each token's requests in fixed windows
  (PEERLY_API_TOKEN_RATE, default 600/minute); over it, 429 with Retry-After.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from peerly.accounts import api_tokens
from peerly.accounts.models import ApiToken
from peerly.accounts.models import ApiTokenScope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Endpoints (ninja URL names) a programme-limited token may call without a {slug} in the path.
UNLIMITED_URL_NAMES = frozenset({"me"})


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; on success `request.user` is the token's owner and
    `request.api_token` the token."""

    def __call__(self, request: HttpRequest) -> Any:
        # ninja's HttpBearer logs an unexpected header in DEBUG: that could be a secret.
        scheme, _sep, value = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None  # no token: the session authentication decides
        return self.authenticate(request, value.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_tokens.authenticate(token)
        if found is None:
            raise AuthenticationError(message=_("Invalid, expired or revoked token."))
        user, api_token = found
        request.user = user
        request.api_token = api_token  # type: ignore[attr-defined]
        if api_token.scope != ApiTokenScope.WRITE and request.method not in SAFE_METHODS:
            raise HttpError(403, _("This token is read-only."))
        if api_token.program_id is not None:
            check_program_limit(request, api_token)
        return user


def check_program_limit(request: HttpRequest, token: ApiToken) -> None:
    """403 unless the request is about the token's programme (see the module doc)."""
    program = token.program
    if program is None:
        return
    match = request.resolver_match
    kwargs = match.kwargs if match is not None else {}
    slug = kwargs.get("slug")
    if slug is None:
        if (
            match is not None
            and match.url_name in UNLIMITED_URL_NAMES
            and request.method in SAFE_METHODS
        ):
            return
        raise HttpError(
            403,
            _("This token is limited to the programme “%(name)s”; use its programme's endpoints.")
            % {"name": program.name},
        )
    if slug != program.slug:
        raise HttpError(
            403, _("This token is limited to the programme “%(name)s”.") % {"name": program.name}
        )


class ApiTokenRateThrottle(BaseThrottle):
    """A fixed-window request count per token (session requests are not counted)."""

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "api_token", None)
        return token is None or api_tokens.allow_request(token)

    def wait(self) -> float | None:
        return api_tokens.retry_after()


api_token_auth = ApiTokenAuth()
