"""The Content-Security-Policy in a real browser: inline script is refused, and the pages that
need JavaScript (the circle session timer, the API docs UI) still work with it."""

from __future__ import annotations

import re

import pytest

from tests.circles.conftest import add_members  # noqa: F401 - fixtures for the session timer journey
from tests.circles.conftest import first_session
from tests.circles.conftest import organiser  # noqa: F401 - fixtures for the session timer journey
from tests.circles.conftest import program  # noqa: F401 - fixtures for the session timer journey
from tests.circles.conftest import publish  # noqa: F401 - fixtures for the session timer journey
from tests.circles.conftest import scheduled_circle  # noqa: F401 - fixtures for the session timer journey
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_browser_refuses_injected_inline_script(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        refused: list[str] = []
        page.on("console", lambda msg: refused.append(msg.text))
        page.goto("/accounts/login/")
        # What an HTML-injection bug would smuggle in: an inline <script> element.
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.injected = true'; document.body.appendChild(s); }"
        )
        assert page.evaluate("() => window.injected === true") is False
        assert any("Content Security Policy" in text for text in refused)
    finally:
        context.close()


def test_session_timer_runs_from_its_static_script(page, login, scheduled_circle):  # noqa: F811
    session = first_session(scheduled_circle)
    login(scheduled_circle.memberships.first().user)
    page.goto(f"/programs/{scheduled_circle.program.slug}/circles/sessions/{session.pk}/")
    page.get_by_role("button", name="Start block timer").click()  # only visible once JS ran
    steps = page.locator("#steps li strong")
    assert page.locator("#timer-step").text_content() == steps.nth(0).text_content()
    assert re.fullmatch(r"\d+:\d\d left", page.locator("#timer-left").text_content() or "")
    page.get_by_role("button", name="Next step").click()
    assert page.locator("#timer-step").text_content() == steps.nth(1).text_content()


def test_api_docs_ui_works_under_the_csp(page, login):
    login(UserFactory())
    page.goto("/api/v1/docs")
    page.get_by_role("heading", name=re.compile("Peerly API")).wait_for()
    page.get_by_text("/api/v1/me", exact=True).first.wait_for()
