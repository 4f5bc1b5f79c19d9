"""How URL configurations are built (programs/routes.py): every kind has the standard pages
at the same paths under the same URL names, and `under` only puts a prefix before routes."""

from __future__ import annotations

import importlib

import pytest
from django.http import HttpResponse
from django.urls import URLPattern
from django.urls import path
from django.urls import reverse

from peerly.programs import kinds
from peerly.programs.routes import MEMBER_PAGE
from peerly.programs.routes import ORGANISER_PAGE
from peerly.programs.routes import SETTINGS_PAGE
from peerly.programs.routes import kind_urlpatterns
from peerly.programs.routes import under


def page(request, **kwargs):
    return HttpResponse("page")


def other(request, **kwargs):
    return HttpResponse("other")


def routes(patterns: list[URLPattern]) -> list[tuple[str, str | None]]:
    return [(str(p.pattern), p.name) for p in patterns]


def test_under_puts_the_prefix_before_each_route_and_keeps_the_rest():
    patterns = under(
        "things/<int:thing_id>/",
        [path("", page, name="thing"), path("edit/", other, {"mode": "edit"}, name="thing-edit")],
    )
    assert routes(patterns) == [
        ("things/<int:thing_id>/", "thing"),
        ("things/<int:thing_id>/edit/", "thing-edit"),
    ]
    assert all(isinstance(p, URLPattern) for p in patterns)  # flat: no nested resolver
    assert [p.callback for p in patterns] == [page, other]
    assert patterns[1].default_args == {"mode": "edit"}
    match = patterns[1].resolve("things/7/edit/")
    assert match is not None
    assert match.kwargs == {"thing_id": 7, "mode": "edit"}


def test_kind_urlpatterns_puts_the_standard_pages_first_and_organiser_pages_under_manage():
    patterns = kind_urlpatterns(
        home=page,
        manage=page,
        settings=page,
        pages=[path("known/", other, name="known")],
        manage_pages=[path("form/", other, name="manage-form")],
    )
    assert routes(patterns) == [
        ("", MEMBER_PAGE),
        ("known/", "known"),
        ("manage/", ORGANISER_PAGE),
        ("manage/settings/", SETTINGS_PAGE),
        ("manage/form/", "manage-form"),
    ]


@pytest.mark.parametrize("kind", [k for k in kinds.registry() if k.urls_module], ids=repr)
def test_every_kind_has_the_standard_pages_at_the_same_paths(kind):
    base = f"/programs/some-programme/{kind.url_prefix}/"
    for name, route in [
        (MEMBER_PAGE, ""),
        (ORGANISER_PAGE, "manage/"),
        (SETTINGS_PAGE, "manage/settings/"),
    ]:
        assert (
            reverse(f"{kind.app_label}:{name}", kwargs={"slug": "some-programme"}) == base + route
        )
    assert (kind.member_page, kind.organiser_page) == (MEMBER_PAGE, ORGANISER_PAGE)
    assert importlib.import_module(kind.urls_module).app_name == kind.app_label
