"""Charts are inlined in HTML pages: matplotlib's SVG must be valid there and CSP-safe."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from peerly.core.security import svg_without_inline_css


def _matplotlib_svg() -> str:
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [1, 0])
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    return buffer.getvalue()


def test_matplotlib_metadata_is_stripped_and_no_inline_css_is_left() -> None:
    raw = _matplotlib_svg()
    assert "<metadata>" in raw and "rdf:RDF" in raw  # what matplotlib writes
    svg = svg_without_inline_css(raw)
    assert "<metadata>" not in svg and "rdf:" not in svg and "dc:" not in svg
    assert 'style="' not in svg and "<style" not in svg
    assert "<path" in svg  # the chart itself is kept
