"""Render an email's three parts. The one place email templates are rendered.

`emails/<name>_subject.txt` and `emails/<name>.txt` are plain text: rendered WITHOUT HTML
autoescaping (a name like O'Brien stays O'Brien, not O&#x27;Brien). `emails/<name>.html` is
HTML and stays autoescaped. The subject is collapsed to one line. The text footer
(`emails/_footer.txt`) is appended here, so no text template can forget it; the HTML footer
comes from `emails/_base.html`, which every HTML email extends.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import cast

from django.template import Context
from django.template import engines
from django.template.backends.django import DjangoTemplates


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


@dataclass(frozen=True)
class EmailTemplate:
    """An email's four templates, loaded once: `render` as many contexts as needed (a round's
    10,000 emails load them once, not 10,000 times)."""

    subject: Any
    text: Any
    footer: Any
    html: Any

    @classmethod
    def load(cls, template: str) -> EmailTemplate:
        return cls(
            subject=_load(f"emails/{template}_subject.txt"),
            text=_load(f"emails/{template}.txt"),
            footer=_load("emails/_footer.txt"),
            html=_load(f"emails/{template}.html"),
        )

    def render(self, context: Mapping[str, Any]) -> RenderedEmail:
        subject = " ".join(_render_loaded(self.subject, context, autoescape=False).split())
        body_text = _render_loaded(self.text, context, autoescape=False).rstrip("\n")
        footer = _render_loaded(self.footer, context, autoescape=False).strip("\n")
        body_html = _render_loaded(self.html, context, autoescape=True)
        return RenderedEmail(
            subject=subject, body_text=f"{body_text}\n\n-- \n{footer}\n", body_html=body_html
        )


def render_email(*, template: str, context: Mapping[str, Any]) -> RenderedEmail:
    """Render `emails/<template>{_subject.txt,.txt,.html}` with `context`."""
    return EmailTemplate.load(template).render(context)
