"""The team × team heat map of the network page, drawn server-side (matplotlib) as an inline
SVG with a title and a text alternative; the page's table holds the same figures."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from peerly.core.charts import cached_svg
from peerly.core.charts import page_svg


def heat_map_svg(labels: list[str], cells: list[list[int]]) -> str:
    """New ties between each pair of teams; '' with fewer than two teams."""
    if len(labels) < 2:
        return ""
    return cached_svg("network-teams", [labels, cells], lambda: _draw(labels, cells))


def _draw(labels: list[str], cells: list[list[int]]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    plt.rcParams["svg.hashsalt"] = "peerly"
    plt.rcParams["svg.fonttype"] = "none"
    size = min(9.0, 2.5 + 0.45 * len(labels))
    fig, ax = plt.subplots(figsize=(size + 1.5, size), dpi=100)
    try:
        top = max((n for row in cells for n in row), default=0) or 1
        image = ax.imshow(cells, cmap="Blues", vmin=0, vmax=top)
        ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        if len(labels) <= 12:
            for i, row in enumerate(cells):
                for j, n in enumerate(row):
                    ax.text(
                        j,
                        i,
                        str(n),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if n > top * 0.6 else "#1a1a1a",
                    )
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label=_("new ties"))
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
    pairs = "; ".join(
        f"{labels[i]} – {labels[j]}: {cells[i][j]}"
        for i in range(len(labels))
        for j in range(i, len(labels))
    )
    return page_svg(buffer.getvalue(), title=_("New ties between teams"), description=pairs)
