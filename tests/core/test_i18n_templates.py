"""Every word a template shows goes through {% translate %} / {% blocktranslate %} (issue 20).

The check strips what is not visible text (comments, template tags and variables, whole
{% blocktranslate %} blocks, <script>/<style>, HTML tags) from every template, and fails on any
word left: that word would stay English on a Spanish page. Attributes people read (aria-label,
title, placeholder, alt) and prose literals passed to {% include … with %} are checked too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import peerly

SRC = Path(peerly.__file__).resolve().parent
TEMPLATES = sorted(
    p
    for root in [SRC / "templates", *SRC.glob("*/templates")]
    for p in root.rglob("*")
    if p.suffix in {".html", ".txt"}
)
# Words that are the same in every language (the brand, split by the logo's markup).
ALLOWED_WORDS = {"Peerly", "Peer", "ly"}

HIDDEN = re.compile(
    r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}"
    r"|\{%\s*blocktranslate\b.*?\{%\s*endblocktranslate\s*%\}"
    r"|\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}"
    r"|<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->",
    re.S,
)
TAG = re.compile(r"<[^<>]*>")
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|\w+);")
WORD = re.compile(r"[^\W\d_]+")
READ_ATTRS = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')
INCLUDE_LITERAL = re.compile(r"\{%\s*(?:include|with)\b[^%]*?\w+=(\"[^\"]*\"|'[^']*')[^%]*%\}")


def untranslated_words(source: str) -> list[str]:
    """The visible words of a template that no translation tag covers."""
    found: list[str] = []
    for literal in INCLUDE_LITERAL.findall(source):
        if " " in literal and WORD.search(literal):  # prose, not a template name or a flag
            found.append(literal)
    # Attribute values: whatever is left after their template parts are removed.
    for value in READ_ATTRS.findall(source):
        found += [w for w in WORD.findall(HIDDEN.sub(" ", value)) if w not in ALLOWED_WORDS]
    text = TAG.sub(" ", HIDDEN.sub(" ", source))
    text = ENTITY.sub(" ", text)
    found += [w for w in WORD.findall(text) if w not in ALLOWED_WORDS]
    return found


def test_the_checker_finds_untranslated_text() -> None:
    """The check itself can fail: plain words, attributes and include literals are caught."""
    assert untranslated_words("<p>Hello {{ name }}</p>") == ["Hello"]
    assert untranslated_words('<nav aria-label="Main"></nav>') == ["Main"]
    assert untranslated_words('{% include "x.html" with submit="Save it" %}') == ['"Save it"']
    assert untranslated_words("Subject for {{ name }}") == ["Subject", "for"]
    assert (
        untranslated_words(
            '{% load i18n %}<p title="{% translate \'Hi\' %}">{% translate "Hello" %} '
            "{% blocktranslate with n=x %}Hi {{ n }}{% endblocktranslate %} &amp; 3 · "
            '{% include "x.html" with submit=_("Save it") %}{# note #}</p>'
            "<a>Peer<span>ly</span></a>"
        )
        == []
    )


def test_templates_are_found() -> None:
    assert len(TEMPLATES) > 100


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_template_has_no_untranslatable_text(path: Path) -> None:
    words = untranslated_words(path.read_text(encoding="utf-8"))
    assert not words, f"{path.relative_to(SRC)}: wrap in {{% translate %}}: {words[:12]}"
