"""How URL configurations are built: the URL side of the programme-kind contract (kinds.py).

peerly/urls.py mounts each registered kind's `Kind.urls_module` at
/programs/<slug>/<Kind.url_prefix>/ in the namespace `Kind.app_label`. Every kind has the same
standard pages there, built by `kind_urlpatterns` so that their paths and URL names cannot
drift apart between kinds:

    ""                  "program"           the members' home (Kind.member_page)
    "manage/"           "manage"            the organisers' dashboard (Kind.organiser_page)
    "manage/settings/"  "manage-settings"   the kind's settings

then the kind's own member pages and its own organiser pages (under "manage/"). `under`
writes a path prefix that several routes share once, in any urls.py.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponseBase
from django.urls import URLPattern
from django.urls import path

MEMBER_PAGE = "program"
ORGANISER_PAGE = "manage"
SETTINGS_PAGE = "manage-settings"

ViewFunc = Callable[..., HttpResponseBase]


def under(prefix: str, patterns: Iterable[URLPattern]) -> list[URLPattern]:
    """`patterns` with `prefix` put before each route: Django's include() of a list, but flat,
    so each stays a plain URLPattern with its own name in the urls module's namespace."""
    return [_prefixed(prefix, pattern) for pattern in patterns]


def _prefixed(prefix: str, pattern: URLPattern) -> URLPattern:
    kwargs: dict[str, Any] = pattern.default_args
    return path(prefix + str(pattern.pattern), pattern.callback, kwargs, pattern.name)


def kind_urlpatterns(
    *,
    home: ViewFunc,
    manage: ViewFunc,
    settings: ViewFunc,
    pages: Iterable[URLPattern] = (),
    manage_pages: Iterable[URLPattern] = (),
) -> list[URLPattern]:
    """A kind's `urlpatterns`: the standard pages (`home`, `manage`, `settings`; see the
    module's docstring), the kind's other member `pages` and its other organiser pages
    `manage_pages`, whose routes are under "manage/"."""
    return [
        path("", home, name=MEMBER_PAGE),
        *pages,
        *under(
            "manage/",
            [
                path("", manage, name=ORGANISER_PAGE),
                path("settings/", settings, name=SETTINGS_PAGE),
                *manage_pages,
            ],
        ),
    ]
