"""`{% shared %}` pieces (notifications/templatetags/email_fragments.py): rendered once per
batch, and every recipient still gets exactly the email a fresh render makes for them — in
their language, their time zone, their round — whatever the order of the batch."""

from __future__ import annotations

import datetime as dt
import gc
from types import SimpleNamespace

import pytest
from django.template import Context
from django.template import Template
from django.utils import translation

from peerly.core.jobs import fewer_collections
from peerly.notifications.rendering import EmailTemplate
from peerly.notifications.templatetags.email_fragments import FRAGMENTS
from peerly.rounds.selectors import Suggestion


def _person(name: str) -> SimpleNamespace:
    return SimpleNamespace(name=name)


def _context(name: str, *, number: int, zone: str, prompts: list[str]) -> dict[str, object]:
    partner = SimpleNamespace(
        user=_person("Partner of " + name), fields={"team": "Data"}, shared=[]
    )
    start = dt.datetime(2026, 12, 8, 9, number, tzinfo=dt.UTC)
    suggestion = Suggestion(index=1, start=start, mine=f"Tue 8 Dec, 10:00 ({zone})", theirs=[])
    return {
        "site_url": "https://peerly.example",
        "email_category": "Matches and meetings",
        "email_why": "it is about your matches",
        "settings_url": "https://peerly.example/accounts/profile/",
        "unsubscribe_url": "https://peerly.example/notifications/unsubscribe/1.m:AbC/",
        "recipient": _person(name),
        "program": {"name": "Coffee <&> Co"},
        "round": {
            "number": number,
            "meets_from": dt.date(2026, 12, 7),
            "meet_by": dt.date(2026, 12, 18) + dt.timedelta(days=number),
        },
        "partners": [partner],
        "my_timezone": zone,
        "suggestions": [suggestion],
        "suggestion_links": [(suggestion, "https://peerly.example/ics/1")],
        "prompts": prompts,
        "url": "https://peerly.example/g/1/",
    }


CASES = [
    ("en", _context("Ann", number=3, zone="Europe/Berlin", prompts=["What are you reading?"])),
    ("es", _context("Bea", number=3, zone="Europe/Berlin", prompts=["What are you reading?"])),
    ("en", _context("Cy", number=3, zone="America/New_York", prompts=["What are you reading?"])),
    ("en", _context("Di", number=4, zone="Europe/Berlin", prompts=["Best trip?"])),
    ("es", _context("Ed", number=4, zone="Asia/Tokyo", prompts=["Best trip?"])),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["rounds_published", "rounds_reminder"])
def test_a_batch_renders_each_email_exactly_as_a_fresh_render(name) -> None:
    batch = EmailTemplate.load(name)
    kept = []
    for _ in range(2):  # every recipient twice, in a batch that mixes languages and rounds
        for lang, context in CASES:
            with translation.override(lang):
                got = batch.render(context)
                alone = EmailTemplate.load(name).render(dict(context))
            assert (got.subject, got.body_text, got.body_html) == (
                alone.subject,
                alone.body_text,
                alone.body_html,
            )
        kept.append(len(batch.fragments))
    assert kept[0] > 0  # the pieces were kept for the batch …
    assert kept[1] == kept[0]  # … and the second time round every one was reused


@pytest.mark.django_db
def test_the_pieces_differ_where_the_values_do() -> None:
    template = EmailTemplate.load("rounds_published")
    texts = {}
    for lang, context in CASES:
        with translation.override(lang):
            texts[context["recipient"].name] = template.render(context).body_text  # type: ignore[attr-defined]
    assert "Round 3 of Coffee <&> Co is drawn" in texts["Ann"]  # raw in the text part
    assert "Round 4 of Coffee <&> Co" in texts["Di"]
    assert "America/New_York" in texts["Cy"] and "America/New_York" not in texts["Ann"]
    assert "Best trip?" in texts["Di"] and "Best trip?" not in texts["Ann"]
    assert texts["Bea"] != texts["Ann"].replace("Ann", "Bea")  # Spanish, not the English piece


def test_outside_a_batch_the_tag_just_renders() -> None:
    page = Template("{% load email_fragments %}{% shared n %}n={{ n }}{% endshared %}")
    assert page.render(Context({"n": 1})) == "n=1"
    assert page.render(Context({"n": 2})) == "n=2"
    store: dict[object, str] = {}
    assert page.render(Context({"n": 1, FRAGMENTS: store})) == "n=1"
    assert page.render(Context({"n": 2, FRAGMENTS: store})) == "n=2"
    assert page.render(Context({"n": 1, FRAGMENTS: store})) == "n=1"
    assert len(store) == 2
    unhashable = Template("{% load email_fragments %}{% shared d %}{{ d.a }}{% endshared %}")
    assert unhashable.render(Context({"d": {"a": "x"}, FRAGMENTS: store})) == "x"


def test_fewer_collections_is_reentrant_and_restores_the_collector() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        inside = gc.get_threshold()
        assert inside[0] >= 50_000
        assert gc.get_freeze_count() > 0
        with fewer_collections():  # nested: nothing more changes, nothing is undone early
            assert gc.get_threshold() == inside
        assert gc.get_threshold() == inside
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before


def test_dataclass_values_are_keys_by_their_fields_and_zones() -> None:
    """A reminder's `{% shared suggestions %}`: lists of `Suggestion`s (frozen dataclasses with
    a list field, not hashable themselves) are keys by their fields; equal instants in two
    zones are two keys (they may render differently)."""
    page = Template(
        "{% load email_fragments %}{% shared suggestions %}{% for s in suggestions %}"
        "{{ s.index }}. {{ s.mine }} {{ s.start.hour }}h;{% endfor %}{% endshared %}"
    )
    store: dict[object, str] = {}
    utc = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)
    berlin = utc.astimezone(dt.timezone(dt.timedelta(hours=1)))
    assert utc == berlin  # the same instant …

    def render(*suggestions: Suggestion) -> str:
        context = Context({"suggestions": list(suggestions), FRAGMENTS: store})
        return page.render(context)

    one = Suggestion(index=1, start=utc, mine="Tue 8 Dec, 10:00 (Europe/Berlin)", theirs=[])
    assert render(one) == "1. Tue 8 Dec, 10:00 (Europe/Berlin) 9h;"
    same = Suggestion(index=1, start=utc, mine="Tue 8 Dec, 10:00 (Europe/Berlin)", theirs=[])
    assert render(same) == "1. Tue 8 Dec, 10:00 (Europe/Berlin) 9h;"
    assert len(store) == 1  # an equal list of equal suggestions: the piece was reused
    other = Suggestion(index=2, start=utc, mine="Tue 8 Dec, 10:00 (Europe/Berlin)", theirs=[])
    assert render(other) == "2. Tue 8 Dec, 10:00 (Europe/Berlin) 9h;"
    shifted = Suggestion(index=1, start=berlin, mine=one.mine, theirs=[])
    assert render(shifted) == "1. Tue 8 Dec, 10:00 (Europe/Berlin) 10h;"  # … not one key
    assert render(one, other) == (
        "1. Tue 8 Dec, 10:00 (Europe/Berlin) 9h;2. Tue 8 Dec, 10:00 (Europe/Berlin) 9h;"
    )
    assert len(store) == 4
