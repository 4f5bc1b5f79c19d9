"""Markdown to safe HTML: markdown-it-py with raw HTML switched off, then nh3 (an allow-list
HTML sanitiser) over the result, so neither the Markdown nor a bug in the renderer can put a
script, an event handler or a javascript: link on the page."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(html: str) -> str:
    """`html` with only the allowed tags, attributes and link schemes; links get
    rel="noopener nofollow"."""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """The safe HTML of Markdown `text` (raw HTML in it is shown as text, never run)."""
    return sanitise(_MD.render(text))
