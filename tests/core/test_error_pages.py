"""Styled error pages (400, 403, CSRF 403, 404, 500) with DEBUG off: the site's layout and
navigation, a sentence saying why and what to do, and a 500 page that needs no database."""

from __future__ import annotations

import pytest
from django.template import loader
from django.test import Client

from peerly.programs import kinds
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory


def _assert_site_page(html: str, heading: str) -> None:
    assert '<html lang="' in html
    assert 'class="site"' in html and '<main id="content">' in html  # the layout
    assert f"<h1>{heading}</h1>" in html
    assert "peerly.css" in html


@pytest.fixture(autouse=True)
def _debug_off(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = False


def test_404_for_a_member_shows_navigation_and_what_to_do(db) -> None:
    client = Client()
    client.force_login(UserFactory())
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    _assert_site_page(html, "We could not find that page")
    assert 'nav class="main"' in html and "/home/" in html and "Log out" in html
    assert "Check the address" in html


def test_404_for_a_visitor_offers_the_start_page(db) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    _assert_site_page(html, "We could not find that page")
    assert "Go to the start page" in html and "Log in" in html


def test_403_says_why_and_who_to_ask(db) -> None:
    program = ProgramFactory(organisers=[UserFactory()])
    kind = kinds.get(program.kind)
    assert kind is not None
    url = kind.access_probe_urls(program)["organiser"][0]
    member = UserFactory()
    EnrollmentFactory(program=program, user=member)
    client = Client()
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 403
    html = response.content.decode()
    _assert_site_page(html, "You cannot open this page")
    assert "Only this programme" in html  # the reason the gateway gave
    assert "If you think you should have access, ask the programme" in html
    assert "See the programmes" in html


def test_403_for_a_failed_csrf_check_says_to_reload(db) -> None:
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    _assert_site_page(html, "This form could not be sent")
    assert "reload the page" in html


def test_400_page(db) -> None:
    response = Client().get("/", HTTP_HOST="not-this-site.example")  # DisallowedHost
    assert response.status_code == 400
    _assert_site_page(response.content.decode(), "We could not understand that request")


@pytest.mark.urls("tests.core.error_urls")
def test_500_page_through_a_failing_view(db) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    _assert_site_page(html, "Something went wrong on our side")
    assert "a bug" not in html  # no internals
    assert "Try again in a few minutes" in html


def test_500_template_renders_without_database_or_request() -> None:
    # No `db` fixture: pytest-django makes any database access here an error. Django renders
    # 500.html with no context and no request (django.views.defaults.server_error).
    html = loader.get_template("500.html").render()
    _assert_site_page(html, "Something went wrong on our side")
    assert "Go to the start page" in html
