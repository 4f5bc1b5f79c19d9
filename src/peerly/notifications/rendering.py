"""Render an email's three parts. The one place email templates are rendered.

`emails/<name>_subject.txt` and `emails/<name>.txt` are plain text: rendered WITHOUT HTML
autoescaping (a name like O'Brien stays O'Brien, not O&#x27;Brien). `emails/<name>.html` is
HTML and stays autoescaped. The subject is collapsed to one line. The text footer
(`emails/_footer.txt`) is appended here, so no text template can forget it; the HTML footer
(`emails/_footer.html`) is rendered here too and shown by `emails/_base.html` (which every HTML
email extends) as `email_footer_html`.

The footers are the same for every recipient of one language, category and kind (an account
or a bare address) but for the unsubscribe link, so an `EmailTemplate` renders each variant
once, with a stand-in for the link, and puts each recipient's link in (escaped in the HTML
part, as the template would). They see only `FOOTER_NAMES` (and whether there is a
`recipient`), which is what makes that exact. In the same way the pieces of a template marked
`{% shared … %}` (the same for every recipient with the same values) are rendered once per
`EmailTemplate` (see notifications/templatetags/email_fragments.py).
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import cast

from django.template import Context
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from peerly.notifications.templatetags.email_fragments import FRAGMENTS

# What the footers show besides `recipient` (only whether there is one) and the unsubscribe link.
FOOTER_NAMES = ("site_url", "email_why", "email_category", "settings_url")
# Stands for the unsubscribe link in a footer rendered once for many recipients.
_LINK = "peerly-unsubscribe-link-7c1e9a"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str


def _load(name: str) -> Any:
    backend = cast(DjangoTemplates, engines["django"])
    return backend.engine.get_template(name)


def _render_loaded(template: Any, context: Mapping[str, Any], *, autoescape: bool) -> str:
    # `{% ... as var %}` writes land in a layer of this part's own, so one part never leaks
    # into the next or into the caller's mapping. A plain dict (every caller's) is copied
    # flat: each of an email's ~100 variable lookups is then one dict lookup, not a walk
    # through a ChainMap. Any other Mapping (one with defaults, say) is layered, not copied.
    # `autoescape` on the Context decides escaping for every variable/filter.
    values: Any = (
        dict(context) if type(context) is dict else ChainMap({}, cast(dict[str, Any], context))
    )
    return str(template.render(Context(values, autoescape=autoescape)))


def _lookup(context: Mapping[str, Any], name: str) -> Any:
    """`name` as a template sees it in `context` (a mapping may make up missing names)."""
    return context[name] if name in context else None  # noqa: SIM401 - not .get: __missing__


@dataclass(frozen=True)
class EmailTemplate:
    """An email's templates, loaded once: `render` as many contexts as needed (a round's
    10,000 emails load them once, not 10,000 times, and render each footer variant once)."""

    subject: Any
    text: Any
    footer: Any
    html: Any
    footer_html: Any
    footers: dict[tuple[Any, ...], tuple[str, str]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # the `{% shared %}` pieces of this batch (notifications/templatetags/email_fragments.py)
    fragments: dict[tuple[Any, ...], str] = field(default_factory=dict, compare=False, repr=False)
    # (language, id) → (value, its text) of the lazy texts the footers show (`_text`)
    texts: dict[tuple[str, int], tuple[Any, str]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def load(cls, template: str) -> EmailTemplate:
        return cls(
            subject=_load(f"emails/{template}_subject.txt"),
            text=_load(f"emails/{template}.txt"),
            footer=_load("emails/_footer.txt"),
            html=_load(f"emails/{template}.html"),
            footer_html=_load("emails/_footer.html"),
        )

    def _footers(self, context: Mapping[str, Any]) -> tuple[str, str]:
        """(text footer, HTML footer) for `context`: each variant rendered once (see above)."""
        link = _lookup(context, "unsubscribe_url") or ""
        shown = {name: context[name] for name in FOOTER_NAMES if name in context}
        language = get_language()
        key = (
            language,
            bool(_lookup(context, "recipient")),
            bool(link),
            *((name, self._text(value, language)) for name, value in shown.items()),
        )
        if key not in self.footers:
            values = {**shown, "recipient": key[1], "unsubscribe_url": _LINK if link else ""}
            self.footers[key] = (
                _render_loaded(self.footer, values, autoescape=False).strip("\n"),
                _render_loaded(self.footer_html, values, autoescape=True),
            )
        text, html = self.footers[key]
        return text.replace(_LINK, str(link)), html.replace(_LINK, conditional_escape(link))

    def _text(self, value: Any, language: str) -> str:
        """`str(value)` in `language`; a lazy translation (every email's "why" and category)
        is translated once per batch: the cache holds the value, so its id stays its own."""
        if type(value) is str:
            return value
        hit = self.texts.get((language, id(value)))
        if hit is None or hit[0] is not value:
            hit = self.texts[language, id(value)] = (value, str(value))
        return hit[1]

    def render(self, context: Mapping[str, Any]) -> RenderedEmail:
        shared = {FRAGMENTS: self.fragments}
        context = (
            {**context, **shared}
            if type(context) is dict
            else ChainMap(shared, cast(dict[str, Any], context))
        )
        subject = " ".join(_render_loaded(self.subject, context, autoescape=False).split())
        body_text = _render_loaded(self.text, context, autoescape=False).rstrip("\n")
        footer, footer_html = self._footers(context)
        extra: dict[str, Any] = {"email_footer_html": mark_safe(footer_html)}
        html_context: Mapping[str, Any] = (
            {**context, **extra}
            if type(context) is dict
            else ChainMap(extra, cast(dict[str, Any], context))
        )
        body_html = _render_loaded(self.html, html_context, autoescape=True)
        return RenderedEmail(
            subject=subject, body_text=f"{body_text}\n\n-- \n{footer}\n", body_html=body_html
        )


def render_email(*, template: str, context: Mapping[str, Any]) -> RenderedEmail:
    """Render `emails/<template>{_subject.txt,.txt,.html}` with `context`."""
    return EmailTemplate.load(template).render(context)
