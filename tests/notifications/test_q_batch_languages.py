"""`queue_emails` renders a batch in each recipient's language but switches language only
when it changes (issue 19): every email is still exactly what `queue_email` makes for its
recipient, a bare address gets the sender's language, and the language active before the
batch is active again after it (also after an error)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.utils import translation

from peerly.notifications import services
from peerly.notifications.models import OutboundEmail
from peerly.notifications.services import EmailToQueue
from peerly.notifications.services import queue_email
from peerly.notifications.services import queue_emails
from tests.factories import UserFactory

CONTEXT = {
    "url": "https://peerly.example/x/",
    "program": {"name": "Coffee <&> Co"},
    "round": {"number": 2},
    "reason": "nobody else was free",
}


def _batch(users: list[object], prefix: str) -> list[EmailToQueue]:
    return [
        EmailToQueue(key=f"{prefix}:{i}", to=to, template="rounds_unmatched", context=CONTEXT)
        for i, to in enumerate(users)
    ]


def _rows(prefix: str) -> list[tuple[str, str, str, str, str]]:
    rows = OutboundEmail.objects.filter(key__startswith=f"{prefix}:").order_by("key")
    return [(e.key.split(":", 1)[1], e.to_email, e.subject, e.body_text, e.body_html) for e in rows]


@pytest.mark.django_db
def test_a_mixed_batch_is_what_one_email_at_a_time_makes(django_capture_on_commit_callbacks):
    people = [
        UserFactory(display_name=f"P{i} <b>{i}</b>", language=lang)
        for i, lang in enumerate(["es", "es", "en", "es", "en", "en"])
    ]
    recipients: list[object] = [*people[:3], "bare@example.org", *people[3:]]
    with translation.override("es"):  # the sender's language: the bare address's
        with django_capture_on_commit_callbacks(execute=False):
            queue_emails(_batch(recipients, "batch"))
            for item in _batch(recipients, "one"):
                queue_email(key=item.key, to=item.to, template=item.template, context=CONTEXT)
        assert translation.get_language() == "es"  # as before the batch
    batch, one = _rows("batch"), _rows("one")
    assert batch == one and len(batch) == 7  # byte for byte, key by key
    greetings = {key: text.split(" ", 1)[0] for key, _to, _subject, text, _html in batch}
    # es, es, en, the bare address (the sender's: es), es, en, en
    assert greetings == {
        "0": "Hola,",
        "1": "Hola,",
        "2": "Hello",
        "3": "Hola,",
        "4": "Hola,",
        "5": "Hello",
        "6": "Hello",
    }


@pytest.mark.django_db
def test_the_language_before_the_batch_is_back_after_an_error():
    user = UserFactory(language="es")
    with (
        translation.override("en"),
        mock.patch.object(services, "_row_fields", side_effect=RuntimeError("boom")),
    ):
        with pytest.raises(RuntimeError):
            queue_emails(_batch([user], "err"))
        assert translation.get_language() == "en"
    assert not OutboundEmail.objects.filter(key__startswith="err:").exists()
