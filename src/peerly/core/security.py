"""HTTP hardening that is not a Django or django-csp setting (docs/security.md)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest
from django.http import HttpResponseBase
from django.utils.cache import patch_cache_control


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user.

    Pages and API answers for a signed-in user carry private data; no shared cache (proxy,
    CDN) or the browser's disk cache may keep them, so the back button after logging out on a
    shared computer shows nothing. Directives a view set itself are kept (`patch_cache_control`
    adds ours and drops `public`). Static files never reach this middleware: WhiteNoise answers
    them earlier with its own long-lived caching. Anonymous pages are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
# matplotlib's RDF/Dublin Core block: namespaced elements that are not valid in an SVG inlined
# in HTML (the Nu validator reports them), and of no use to a reader.
_METADATA_ELEMENT = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.S)
_STYLE_RULE = re.compile(r"\*\s*\{([^}]*)\}")
_PROPERTY = re.compile(r"^[a-z-]+$")


def _declarations(css: str) -> list[tuple[str, str]]:
    pairs = []
    for declaration in css.split(";"):
        name, sep, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if sep and _PROPERTY.match(name) and value:
            pairs.append((name, value.replace('"', "'")))
    return pairs


def _attributes(css: str) -> str:
    return "".join(f' {name}="{value}"' for name, value in _declarations(css))


def svg_without_inline_css(svg: str) -> str:
    """Rewrite an SVG (as matplotlib writes it) so a CSP without `'unsafe-inline'` styles
    renders it unchanged: `style="fill: #fff"` becomes the presentation attribute
    `fill="#fff"`, and the one `*{…}` rule of its `<style>` element moves to the root
    `<svg>` (inherited properties). Presentation attributes are not subject to CSP. Its
    `<metadata>` block is dropped, so the SVG is also valid inline in an HTML page."""
    svg = _METADATA_ELEMENT.sub("", svg)
    inherited = ""
    match = _STYLE_ELEMENT.search(svg)
    if match:
        inherited = "".join(_attributes(rule) for rule in _STYLE_RULE.findall(match.group(1)))
        svg = svg[: match.start()] + svg[match.end() :]
    svg = re.sub(r"<defs>\s*</defs>\s*", "", svg)
    svg = _STYLE_ATTRIBUTE.sub(lambda m: _attributes(m.group(1)), svg)
    if inherited:
        svg = svg.replace("<svg", "<svg" + inherited, 1)
    return svg
