"""One-click unsubscribe (RFC 8058). No login: the signed token is the authority."""

from __future__ import annotations

from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from peerly.notifications import services
from peerly.notifications.links import InvalidUnsubscribeLinkError
from peerly.notifications.links import read_unsubscribe_token
from peerly.notifications.links import settings_url


# Mail providers POST `List-Unsubscribe=One-Click` without any cookie or CSRF token; the
# signature in the URL is what authorises the change, so CSRF protection adds nothing here.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        wanted = read_unsubscribe_token(token)
    except InvalidUnsubscribeLinkError:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    context = {"category": wanted.category, "settings_url": settings_url()}
    if request.method == "GET":  # link scanners prefetch GETs: confirm, change nothing
        return render(request, "notifications/unsubscribe_confirm.html", context)
    if services.unsubscribe(user_id=wanted.user_id, category=wanted.category) is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    return render(request, "notifications/unsubscribe_done.html", context)
