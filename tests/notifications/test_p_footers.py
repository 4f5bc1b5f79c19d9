"""A batch renders each footer variant once (issue 19), and every recipient still gets exactly
the footer the templates make for them: their own unsubscribe link (escaped in the HTML part,
raw in the text part), their language, the wording for an address without an account."""

from __future__ import annotations

from unittest import mock

import pytest
from django.template import Context
from django.utils import translation

from peerly.notifications import rendering
from peerly.notifications.rendering import EmailTemplate

BASE = {
    "site_url": "https://peerly.example",
    "email_category": "Matches and meetings",
    "email_why": "it is about your matches",
    "settings_url": "https://peerly.example/accounts/profile/",
    "program": {"name": "Coffee"},
    "round": {"number": 3},
    "url": "https://peerly.example/g/1/",
    "suggestions": [],
}


class Person:
    def __init__(self, name: str) -> None:
        self.name = name


def _contexts() -> list[tuple[str, dict[str, object]]]:
    people = [
        ("en", "Ann", "https://peerly.example/notifications/unsubscribe/1.m:AbC/"),
        ("en", "Bo", "https://peerly.example/notifications/unsubscribe/2.m:dEf/?a=1&b=<2>"),
        ("es", "Cy", "https://peerly.example/notifications/unsubscribe/3.m:GhI/"),
        ("en", "Di", ""),  # a category that cannot be turned off: no link
    ]
    out = [
        (lang, {**BASE, "recipient": Person(name), "unsubscribe_url": link})
        for lang, name, link in people
    ]
    out.append(("en", {**BASE, "recipient": None, "unsubscribe_url": ""}))  # a bare address
    return out


def _expected(name: str, context: dict[str, object], *, autoescape: bool) -> str:
    template = rendering._load(name)  # Django's own Template, as the outbox renders it
    return str(template.render(Context(dict(context), autoescape=autoescape)))


@pytest.mark.django_db
def test_footers_are_rendered_once_per_variant_and_exactly_as_the_templates_make_them():
    template = EmailTemplate.load("rounds_reminder")
    real = rendering._render_loaded
    with mock.patch.object(rendering, "_render_loaded", wraps=real) as renders:
        for _ in range(3):  # a batch with every recipient three times
            for lang, context in _contexts():
                with translation.override(lang):
                    rendered = template.render(context)
                    text = _expected("emails/_footer.txt", context, autoescape=False)
                    html = _expected("emails/_footer.html", context, autoescape=True)
                assert rendered.body_text.endswith(f"\n\n-- \n{text.strip()}\n")
                assert html in rendered.body_html
    footers = [
        c for c in renders.call_args_list if c.args[0] in (template.footer, template.footer_html)
    ]
    assert len(footers) == 2 * 4  # text + HTML for en/link, es/link, en/no link, en/address
    bo = template.render(_contexts()[1][1])
    assert "?a=1&b=<2>" in bo.body_text  # the text part is not escaped
    assert "?a=1&amp;b=&lt;2&gt;" in bo.body_html and "&b=<2>" not in bo.body_html
    assert "this address was given to Peerly" in template.render(_contexts()[4][1]).body_text
