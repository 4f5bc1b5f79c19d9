"""The evaluation pages' charts, drawn server-side (matplotlib) as inline SVGs with a title and
a text alternative, cached by what they show (core.charts): the network page's team × team
heat map, and the dashboards' series (counts as bars, rates as lines) and mentorship funnel.
Each page's table beside a chart holds the same figures."""

from __future__ import annotations

import io
import re

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


# ------------------------------------------------------------------ dashboard series
Bars = list[tuple[str, list[int]]]  # (legend label, one count per point)
Lines = list[tuple[str, list[float | None]]]  # (legend label, one per-cent rate per point)
BAR_COLOURS = ("#9db4de", "#2b5cb8", "#17386f")
LINE_COLOURS = ("#1c7a45", "#8a5a00")


def series_svg(
    name: str, *, labels: list[str], bars: Bars, lines: Lines, title: str, counts_label: str
) -> str:
    """Counts per point (bars) with rates in per cent (lines; None is a gap, never 0), as an
    inline SVG with a title and a text alternative listing every figure; '' with no points.
    The dashboard's table beside it holds the same figures."""
    if not labels:
        return ""
    data = [labels, bars, lines, title, counts_label]
    return cached_svg(
        f"dashboard-{name}",
        data,
        lambda: _draw_series(
            labels=labels, bars=bars, lines=lines, title=title, counts_label=counts_label
        ),
    )


def _draw_series(
    *, labels: list[str], bars: Bars, lines: Lines, title: str, counts_label: str
) -> str:
    import math

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    plt.rcParams["svg.hashsalt"] = "peerly"
    plt.rcParams["svg.fonttype"] = "none"
    fig, ax = plt.subplots(figsize=(7.5, 3.2), dpi=100)
    try:
        x = list(range(len(labels)))
        width = 0.8 / max(1, len(bars))
        for b, (label, values) in enumerate(bars):
            offset = (b - (len(bars) - 1) / 2) * width
            ax.bar(
                [i + offset for i in x],
                values,
                width=width,
                label=label,
                color=BAR_COLOURS[b % len(BAR_COLOURS)],
            )
        step = max(1, math.ceil(len(labels) / 12))  # at most about 12 tick labels
        ax.set_xticks(x[::step], labels[::step], fontsize=8)
        ax.set_ylabel(counts_label)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        handles, names = ax.get_legend_handles_labels()
        if lines:
            ax2 = ax.twinx()
            for n, (label, rates) in enumerate(lines):
                ax2.plot(
                    x,
                    [math.nan if r is None else r for r in rates],
                    marker="os"[n % 2],
                    linestyle="-" if n % 2 == 0 else "--",
                    color=LINE_COLOURS[n % len(LINE_COLOURS)],
                    label=label,
                )
            ax2.set_ylim(0, 105)
            ax2.set_ylabel("%")
            ax2.spines["top"].set_visible(False)
            more, more_names = ax2.get_legend_handles_labels()
            handles, names = handles + more, names + more_names
        ax.legend(
            handles,
            names,
            loc="upper left",
            fontsize=8,
            ncol=4,
            frameon=False,
            bbox_to_anchor=(0, 1.15),
        )
        ax.spines["top"].set_visible(False)
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
    svg = _own_ids(buffer.getvalue(), "series")
    parts = []
    for i, label in enumerate(labels):
        figures = [f"{name} {values[i]}" for name, values in bars]
        figures += [
            f"{name} {'—' if rates[i] is None else round(rates[i] or 0)}" for name, rates in lines
        ]
        parts.append(f"{label}: " + ", ".join(figures))
    return page_svg(svg, title=title, description="; ".join(parts))


def funnel_svg(stages: list[tuple[str, int]], *, title: str) -> str:
    """How many reached each stage (horizontal bars, first stage on top); '' when nobody
    reached the first."""
    if not stages or not stages[0][1]:
        return ""
    return cached_svg("dashboard-funnel", [stages, title], lambda: _draw_funnel(stages, title))


def _draw_funnel(stages: list[tuple[str, int]], title: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    plt.rcParams["svg.hashsalt"] = "peerly"
    plt.rcParams["svg.fonttype"] = "none"
    fig, ax = plt.subplots(figsize=(7.5, 0.5 + 0.45 * len(stages)), dpi=100)
    try:
        labels = [label for label, _n in stages]
        counts = [n for _label, n in stages]
        y = list(range(len(stages)))
        ax.barh(y, counts, color=BAR_COLOURS[1])
        ax.set_yticks(y, labels, fontsize=8)
        ax.invert_yaxis()
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        for i, n in enumerate(counts):
            ax.text(n, i, f" {n}", va="center", fontsize=8)
        ax.spines["top"].set_visible(False)
        ax.spines["right"].set_visible(False)
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
    description = "; ".join(f"{label}: {n}" for label, n in stages)
    return page_svg(_own_ids(buffer.getvalue(), "funnel"), title=title, description=description)


def _own_ids(svg: str, prefix: str) -> str:
    """matplotlib names its elements figure_1, patch_1, …: two charts on one page would
    repeat those ids, so each chart's get a prefix (and so do the references to them)."""
    svg = re.sub(r'\bid="', f'id="{prefix}-', svg)
    return re.sub(r'(href="#|url\(#)', rf"\g<1>{prefix}-", svg)
