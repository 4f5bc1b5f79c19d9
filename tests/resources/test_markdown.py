"""Markdown is rendered with raw HTML off and sanitised by an allow-list."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from peerly.resources.markdown import render_markdown
from peerly.resources.markdown import sanitise


def test_markdown_renders_the_usual_things() -> None:
    html = render_markdown("# Title\n\n- **bold** and *em*\n\n[site](https://example.org)")
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener nofollow"' in html


class Elements(HTMLParser):
    """The tags and attributes of real elements (escaped text is not an element)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]


def elements(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "<javascript:alert(1)>",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="https://x.org" onclick="evil()">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        "<div style='position:fixed'>raw</div>",
        "<!-- a comment -->",
    ],
)
def test_raw_html_and_dangerous_links_are_removed(source: str) -> None:
    found = elements(render_markdown(source))
    assert set(found.tags) <= {"p", "a"}, found.tags
    assert not [n for n, _v in found.attrs if n.startswith("on") or n == "style"]
    hrefs = [v.lower() for n, v in found.attrs if n == "href"]
    assert not [h for h in hrefs if not h.startswith(("https:", "http:", "mailto:"))], hrefs


def test_raw_html_is_shown_as_text_not_run() -> None:
    assert "&lt;script&gt;" in render_markdown("<script>alert(1)</script>")


def test_sanitiser_is_the_backstop_for_the_renderer() -> None:
    dirty = (
        '<p onclick="x()">ok</p><script>bad()</script>'
        '<a href="javascript:alert(1)">a</a><img src=x onerror=alert(1)>'
        '<a href="https://example.org" target="_blank">b</a>'
    )
    clean = sanitise(dirty)
    assert "onclick" not in clean
    assert "<script" not in clean and "bad()" not in clean
    assert "javascript:" not in clean
    assert "<img" not in clean and "onerror" not in clean
    assert 'rel="noopener nofollow"' in clean
    assert "target=" not in clean
