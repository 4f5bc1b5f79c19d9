"""Languages: the member's chosen language for pages, English for the API.

Django's LocaleMiddleware picks a visitor's language from the language cookie (set by the
switch in the footer) or the browser's Accept-Language. `MemberLanguageMiddleware` runs after
authentication and, for a signed-in member, activates the language saved on their account
instead, so a member sees the same language on every device. Under `/api/` everything stays
English (error messages are part of the API contract). `set_language` wraps Django's view of
the same name: it sets the cookie for everyone and also saves the choice for a member.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http import HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def language_for(user: object) -> str:
    """The language to use for `user`: a member's saved choice, else the site default. For no
    user at all (an email to a bare address) the language now active, i.e. the sender's."""
    if user is None:
        active = translation.get_language() or ""
        return active if active in LANGUAGE_CODES else settings.LANGUAGE_CODE
    code = str(getattr(user, "language", "") or "")
    return code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE


class MemberLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if request.path.startswith("/api/"):
            code = "en"
        elif user is not None and user.is_authenticated:
            code = language_for(user)
        else:
            code = ""
        if code:
            translation.activate(code)
            request.LANGUAGE_CODE = code  # type: ignore[attr-defined]
        response = self.get_response(request)
        if code:
            response.headers.setdefault("Content-Language", code)
        return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language: the cookie for any visitor, and the account's setting for a member."""
    response = django_set_language(request)
    code = request.POST.get("language", "")
    user = getattr(request, "user", None)
    if code in LANGUAGE_CODES and user is not None and user.is_authenticated:
        from peerly.accounts.services import set_language as save_language

        save_language(user=user, language=code)
    return response
