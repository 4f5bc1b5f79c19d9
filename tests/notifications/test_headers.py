"""Headers on every outgoing email, set at the one sending point (`send_email`)."""

from __future__ import annotations

import email
import email.policy
import re
from types import SimpleNamespace

import pytest
from django.core import mail

from peerly.notifications.categories import TEMPLATE_CATEGORIES
from peerly.notifications.categories import category_for
from peerly.notifications.models import OutboundEmail
from peerly.notifications.services import queue_email
from peerly.notifications.services import send_email
from tests.factories import UserFactory
from tests.notifications.test_rendering import TEMPLATES

pytestmark = pytest.mark.django_db
SITE = "https://peerly.example.org"
SECURITY = {"account_exists", "confirm_email", "password_reset", "import_welcome"}


@pytest.fixture(autouse=True)
def _site(settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = SITE


def parsed(message: mail.EmailMessage) -> email.message.EmailMessage:
    raw = message.message().as_bytes(linesep="\r\n")
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def test_the_security_templates_are_the_ones_expected():
    assert {t for t, c in TEMPLATE_CATEGORIES.items() if c == "security"} == SECURITY


@pytest.mark.parametrize("template", TEMPLATES)
def test_headers_on_every_outgoing_email(template):
    """One email of every template's category through the one sending point."""
    user = UserFactory()
    row = OutboundEmail.objects.create(
        key=f"h:{template}",
        user=user,
        to_email=user.email,
        subject="Hello",
        body_text="Hello",
        category=category_for(template),
    )
    assert send_email(email_id=row.pk) is True
    (message,) = mail.outbox
    headers = parsed(message)
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["Message-ID"].endswith("@peerly.example.org>")
    if template in SECURITY:
        assert headers["List-Unsubscribe"] is None
        assert headers["List-Unsubscribe-Post"] is None
    else:
        # (a long URL folds onto its own line, which is legal FWS: compare unfolded)
        link = headers["List-Unsubscribe"].strip()
        assert link.startswith(f"<{SITE}/notifications/unsubscribe/")
        assert link.endswith("/>")
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_address_without_account_gets_no_unsubscribe_header(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(
            key="h:invite",
            to="someone@example.org",
            template="invitation",
            context={"program": SimpleNamespace(name="Coffee"), "url": SITE},
        )
    (message,) = mail.outbox
    headers = parsed(message)
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["List-Unsubscribe"] is None
    assert "Unsubscribe from" not in message.body


@pytest.mark.parametrize(
    "name",
    [
        ("Ünïcødé Kaffee-Runde mit Jürgen Groß und Zoë Ångström — Treffpunkt Café Müller " * 2)[
            :120
        ].strip(),
        "A plain ASCII programme name that is long enough to need folding twice over, yes",
        "Ü" * 150,
    ],
)
def test_long_subjects_fold_correctly(name, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(
            key="h:fold",
            to=UserFactory(),
            template="import_enrolled",
            context={"program": SimpleNamespace(name=name), "url": SITE},
        )
    (message,) = mail.outbox
    raw = message.message().as_bytes(linesep="\r\n")
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    subject_lines = re.search(r"^Subject:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*", head, re.MULTILINE)
    assert subject_lines is not None
    lines = subject_lines.group(0).split("\r\n")
    assert lines[0].strip() != "Subject:"  # no empty first line
    assert len(lines) > 1 or len(name) < 40
    assert max(len(line) for line in lines) <= 78
    back = email.message_from_bytes(raw, policy=email.policy.default)
    assert back["Subject"] == f"You have been added to {name}"
