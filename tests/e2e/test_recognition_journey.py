"""Recognition in the browser: an organiser switches certificates on and issues them, a
member opens their certificate and its PDF, the verification link works logged out; a kudos
is sent, made public by its recipient and shown on the programme wall. Every page is audited
by axe-core (conftest)."""

from urllib.parse import urlsplit

import pytest

from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.recognition.conftest import met_rounds

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_certificate_verification_and_kudos_wall(page, login):
    organiser = UserFactory(display_name="Olive Organiser")
    program = ProgramFactory(name="Coffee Roulette", slug="coffee-roulette", organisers=[organiser])
    member = UserFactory(display_name="Mia Member")
    other = UserFactory(display_name="Noor Neighbour")
    for user in (member, other):
        EnrollmentFactory(program=program, user=user)
    met_rounds(program, [(member, other)] * 3)

    # the organiser switches certificates on for three coffee rounds and issues them
    login(organiser)
    page.goto(f"/programs/{program.slug}/")
    page.get_by_role("link", name="Badges and certificates").click()
    page.get_by_label("Issue certificates of completion").check()
    page.get_by_label("Coffee rounds met for a certificate").fill("3")
    page.get_by_role("button", name="Save").first.click()
    page.get_by_text("Recognition settings saved.").wait_for()
    page.get_by_role("button", name="Issue due certificates now").click()
    page.get_by_text("2 certificates issued.").wait_for()

    # the member opens it, downloads the PDF and copies the verification link
    login(member)
    page.get_by_role("link", name="Recognition").first.click()
    page.get_by_role("link", name="Coffee Roulette: Coffee rounds").click()
    page.get_by_test_id("certificate-name").get_by_text("Mia Member").wait_for()
    pdf_href = page.get_by_role("link", name="Download the PDF").get_attribute("href")
    pdf = page.request.get(pdf_href)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    verify_href = page.get_by_test_id("verify-link").get_attribute("href")
    assert verify_href

    page.context.clear_cookies()  # logged out
    page.goto(urlsplit(verify_href).path)  # the link names SITE_URL; the live server is here
    box = page.get_by_test_id("verification")
    box.get_by_text("Valid").wait_for()
    box.get_by_text("Mia Member").wait_for()
    box.get_by_text("Coffee Roulette").wait_for()
    response = page.goto("/recognition/verify/" + "x" * 32 + "/")
    assert response is not None and response.status == 404

    # a kudos: sent by the member, made public by its recipient, shown on the wall
    login(member)
    page.goto(f"/recognition/programs/{program.slug}/")
    page.get_by_text("No public kudos yet.").wait_for()
    page.get_by_role("link", name="Send kudos").first.click()
    page.get_by_label("Who do you want to thank?").select_option(label="Noor Neighbour")
    page.get_by_label("What for? Be specific").fill("Your tips on the report template helped.")
    page.get_by_role("button", name="Send kudos").click()
    page.get_by_text("Kudos sent.").wait_for()
    page.get_by_text("No public kudos yet.").wait_for()  # private until Noor says so

    login(other)
    page.goto("/recognition/")
    page.get_by_test_id("kudos-received").get_by_text("Your tips on the report").wait_for()
    page.get_by_role("button", name="Make public").click()
    page.get_by_text("Shown on the programme wall.").wait_for()

    login(member)
    page.goto(f"/recognition/programs/{program.slug}/")
    page.get_by_test_id("wall-kudos").get_by_text("Your tips on the report template").wait_for()
    page.get_by_text("Mia Member thanks Noor Neighbour").wait_for()
