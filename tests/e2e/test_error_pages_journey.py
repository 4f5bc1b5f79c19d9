"""The error pages in a real browser: styled, with navigation, and axe-core clean (the page
fixture audits every page shown)."""

from __future__ import annotations

import pytest

from peerly.programs import kinds
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_not_found_and_forbidden_pages_lead_somewhere(page, login):  # type: ignore[no-untyped-def]
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    page.get_by_role("heading", name="We could not find that page").wait_for()
    page.get_by_role("link", name="Go to the start page").click()
    page.get_by_role("link", name="Log in").first.wait_for()

    program = ProgramFactory(organisers=[UserFactory()])
    kind = kinds.get(program.kind)
    assert kind is not None
    member = UserFactory()
    EnrollmentFactory(program=program, user=member)
    login(member)
    response = page.goto(kind.access_probe_urls(program)["organiser"][0])
    assert response is not None and response.status == 403
    page.get_by_role("heading", name="You cannot open this page").wait_for()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programmes").wait_for()
    page.get_by_role("link", name="See the programmes").click()
    page.wait_for_url("**/programs/")
