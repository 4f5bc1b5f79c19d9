"""Email rendering: plain text stays plain (no HTML entities), HTML stays escaped, every part
of every template carries the footer, and every template has a category."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail

import peerly
from peerly.notifications.categories import TEMPLATE_CATEGORIES
from peerly.notifications.services import queue_email
from tests.factories import UserFactory

HOSTILE = 'Anna <b>x</b> O\'Brien & "Co"'
# Every app's and the project's templates/emails/, so a new template is covered at once.
SOURCES = {
    p.name.removesuffix("_subject.txt"): p.parent
    for p in Path(peerly.__file__).resolve().parent.glob("**/templates/emails/*_subject.txt")
}
TEMPLATES = sorted(SOURCES)
# What escaping leaves behind; the text parts must contain none of it.
ENTITIES = ("&lt;", "&gt;", "&#x27;", "&#39;", "&quot;", "&amp;")


# Attributes `|date` reads: without them it renders "" instead of crashing on a non-date.
DATE_PARTS = frozenset(
    [
        "year",
        "month",
        "day",
        "hour",
        "minute",
        "second",
        "microsecond",
        "tzinfo",
        "utcoffset",
        "weekday",
        "isoweekday",
        "isocalendar",
        "timetuple",
        "toordinal",
        "timestamp",
        "date",
        "time",
    ]
)


BLOCKTRANSLATE = re.compile(r"{%\s*blocktranslate\b(.*?)%}.*?{%\s*endblocktranslate\s*%}", re.S)


def _expressions(source: str) -> list[str]:
    """The expressions a template prints: `{{ … }}`, and for a {% blocktranslate %} block the
    values bound in its `with`/`count` clause (its `{{ name }}` placeholders are those)."""
    bound = [
        value
        for clause in BLOCKTRANSLATE.findall(source)
        for value in re.findall(r"\w+=(\S+)", clause)
    ]
    return bound + re.findall(r"{{(.*?)}}", BLOCKTRANSLATE.sub(" ", source))


# Numbers a {% blocktranslate count n=… %} chooses its plural form by (it needs a number).
COUNTED = frozenset(["load"])


class Hostile:
    """Stands for any template variable: every attribute, key and item is Hostile again, it
    prints as HOSTILE, iterates as two of itself (so `{% for a, b in … %}` unpacks too)."""

    def __str__(self) -> str:
        return HOSTILE

    def __getattr__(self, name: str) -> Hostile | int:
        if name.startswith("__") or name in DATE_PARTS:
            raise AttributeError(name)
        if name in COUNTED:
            return 2
        return Hostile()

    def __getitem__(self, key: object) -> Hostile | int:
        return 2 if key in COUNTED else Hostile()

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter((Hostile(), Hostile()))

    def __len__(self) -> int:
        return 2


class HostileContext(dict[str, Any]):
    """A template context that has every name; `real` ones (used in {% url %}) excepted."""

    def __init__(self, **real: Any) -> None:
        super().__init__(real)

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> Hostile:
        return Hostile()


def test_templates_are_discovered():
    assert len(TEMPLATES) >= 50
    assert {"password_reset", "rounds_unmatched", "circles_formed", "confirm_email"} <= set(
        TEMPLATES
    )


def test_every_email_template_has_a_category():
    assert set(TEMPLATES) == set(TEMPLATE_CATEGORIES)


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_email_template_renders_raw_text_and_escaped_html(template):
    from peerly.notifications.rendering import render_email

    # `count` is the number a {% blocktranslate count %} chooses its plural form by.
    rendered = render_email(
        template=template, context=HostileContext(uid="MQ", token="a-b", count=2)
    )
    source = {
        part: (SOURCES[template] / f"{template}{part}").read_text()
        for part in ("_subject.txt", ".txt")
    }
    for part, text in (("_subject.txt", rendered.subject), (".txt", rendered.body_text)):
        assert not [e for e in ENTITIES if e in text], (template, part, text)
        if any("|date" not in v for v in _expressions(source[part])):
            assert "<b>x</b>" in text, (template, part, text)  # survives `|lower` too
    assert "\n" not in rendered.subject
    assert "<b>x</b>" not in rendered.body_html
    assert "&lt;b&gt;x&lt;/b&gt;" in rendered.body_html
    for text in (rendered.body_text, rendered.body_html):
        assert "Why you got this" in text
        assert "Unsubscribe from" in text
        assert "Notification settings" in text


@pytest.mark.django_db
def test_a_queued_email_keeps_names_plain_in_text_and_subject(django_capture_on_commit_callbacks):
    user = UserFactory(display_name=HOSTILE)
    program = SimpleNamespace(name="Café <Kaffee> & O'Brien's")
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(
            key="t:1",
            to=user,
            template="import_enrolled",
            context={"program": program, "url": "https://peerly.example.org/p/"},
        )
    (message,) = mail.outbox
    assert message.subject == "You have been added to Café <Kaffee> & O'Brien's"
    assert f"Hello {HOSTILE}," in message.body
    assert "&" not in message.body.replace(" & ", "")
    html = message.alternatives[0][0]
    assert "Anna &lt;b&gt;x&lt;/b&gt; O&#x27;Brien &amp; &quot;Co&quot;" in html


@pytest.mark.django_db
def test_product_copy_in_context_is_not_escaped_in_text(django_capture_on_commit_callbacks):
    # rounds' own reason strings ("anybody else's") came out as "anybody else&#x27;s"
    user = UserFactory(display_name="Zoë")
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(
            key="t:2",
            to=user,
            template="rounds_unmatched",
            context={
                "program": SimpleNamespace(name="Coffee"),
                "round": SimpleNamespace(number=3),
                "reason": "your availability did not overlap with anybody else's",
                "url": "https://peerly.example.org/r/",
            },
        )
    (message,) = mail.outbox
    assert "&#x27;" not in message.body
    assert "anybody else's" in message.body
