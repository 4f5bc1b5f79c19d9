"""Server-side charts are slow to draw (matplotlib: about half a second for a two-year round
chart) and their data changes rarely, so a drawn SVG is kept in the cache under a digest of
exactly what it shows (the data and the language its labels are in). A page with the same
figures reuses it; any changed figure is a new key, so a cached chart is never stale.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils import translation
from django.utils.html import escape

from peerly.core.security import svg_without_inline_css

CHART_CACHE_SECONDS = 24 * 3600


def cached_svg(name: str, data: Any, draw: Callable[[], str]) -> str:
    """`draw()` once per (name, data, language); `data` must be JSON-serialisable and hold
    everything the drawing depends on."""
    digest = hashlib.sha256(
        json.dumps([name, translation.get_language(), data], sort_keys=True, default=str).encode()
    ).hexdigest()
    key = f"peerly:chart:{name}:{digest}"
    svg = cache.get(key)
    if svg is None:
        svg = draw()
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return str(svg)


def page_svg(saved: str, *, title: str, description: str) -> str:
    """What matplotlib saved as SVG (`fig.savefig(…, format="svg")`), made to inline in a page:
    the XML prolog dropped, `role="img"` with a <title> and a <desc> (the text alternative),
    the full width of its box, and no inline CSS (the page's CSP refuses it)."""
    svg = saved[saved.index("<svg") :]
    head = f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
    svg = re.sub(r"<svg([^>]*)>", lambda m: f'<svg{m.group(1)} role="img">{head}', svg, count=1)
    svg = re.sub(r'\swidth="[^"]*pt"\s+height="[^"]*pt"', ' width="100%"', svg, count=1)
    return svg_without_inline_css(svg)
