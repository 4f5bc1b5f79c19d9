"""Calendar feeds (notifications/feeds.py): the member's page to create, reset or turn off
their private address, and the feed itself. The feed needs no login and no session: the
token in the address is the authority, checked by hash before anything is read; a wrong,
reset or turned-off token is a plain 404 like any missing page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.http import require_safe

from peerly.core.http import AuthedHttpRequest
from peerly.core.i18n import language_for
from peerly.notifications import feeds
from peerly.notifications.models import CalendarFeed

FEED_MAX_AGE = 300  # seconds a client or its proxy may reuse one answer (private only)


# ----------------------------------------------------------------------------- the page
def _page(
    request: AuthedHttpRequest, *, feed: CalendarFeed | None, token: str = ""
) -> HttpResponse:
    """The page; with `token` (right after create or reset, the only time it is known) it
    shows the addresses. Signed-in pages are `no-store` (core.security), so the addresses
    are not kept in the browser's cache."""
    context: dict[str, object] = {"feed": feed}
    if token:
        context["addresses"] = [
            feeds.feed_address(token),
            *feeds.circle_feed_addresses(user=request.user, token=token),
        ]
    return render(request, "notifications/calendar_feed.html", context)


@login_required
@require_safe
def calendar_page(request: AuthedHttpRequest) -> HttpResponse:
    return _page(request, feed=feeds.get_feed_for_user(user=request.user))


@login_required
@require_POST
def calendar_create(request: AuthedHttpRequest) -> HttpResponse:
    feed, token = feeds.get_or_create_feed(user=request.user)
    if not token:
        messages.info(request, _("You already have a calendar address. Reset it to get a new one."))
        return redirect("calendar:page")
    return _page(request, feed=feed, token=token)


@login_required
@require_POST
def calendar_reset(request: AuthedHttpRequest) -> HttpResponse:
    feed, token = feeds.reset_feed(user=request.user)
    return _page(request, feed=feed, token=token)


@login_required
@require_POST
def calendar_delete(request: AuthedHttpRequest) -> HttpResponse:
    if feeds.delete_feed(user=request.user):
        messages.success(request, _("Your calendar address no longer works."))
    return redirect("calendar:page")


# ----------------------------------------------------------------------------- the feed
def _feed_response(token: str, *, scope: str, filename: str) -> HttpResponse:
    feed = feeds.find_feed(token)
    if feed is None:
        raise Http404
    now = timezone.now()
    with translation.override(language_for(feed.user)):
        body = feeds.feed_calendar(user=feed.user, now=now, scope=scope)
    if body is None:
        raise Http404
    feeds.mark_fetched(feed=feed, now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    patch_cache_control(response, private=True, max_age=FEED_MAX_AGE)
    return response


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    return _feed_response(token, scope="", filename="peerly.ics")


@require_safe
def circle_feed(request: HttpRequest, token: str, circle_id: int) -> HttpResponse:
    return _feed_response(
        token, scope=f"circle-{circle_id}", filename=f"peerly-circle-{circle_id}.ics"
    )
