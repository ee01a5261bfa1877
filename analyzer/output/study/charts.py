"""The study's charts, drawn with matplotlib (Agg): SVG for the HTML, PNG for the DOCX.

Chinese labels need a CJK font: the first of ``CJK_FONTS`` that matplotlib
finds is used by name (fonts-noto-cjk on Debian), with sans-serif behind it.
SVG keeps its text as text (``svg.fonttype = none``), so a page stays small
and the reader's browser draws the labels with its own CJK font; the SVG's
ids and metadata are fixed so that the same data gives the same bytes.

Each ``draw_*`` function returns a matplotlib ``Figure``; :func:`render`
makes its SVG and PNG and closes it.
"""

from __future__ import annotations

import io
from typing import Sequence

CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Zen Hei", "SimHei")
PALETTE = ("#0969da", "#1a7f37", "#d4a72c", "#cf222e", "#8250df", "#6e7781", "#bc4c00", "#1b7c83", "#bf3989", "#57606a")
WIDTH = 7.5  # inches: the text width of an A4 page with 2.5 cm margins, and ~720 px in the HTML

_READY: dict[str, str] = {}


def _setup() -> str:
    """Configure matplotlib once; returns the CJK font's name ("" when none is installed)."""
    if "font" in _READY:
        return _READY["font"]
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    font = next((n for n in CJK_FONTS if n in names), "")
    matplotlib.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": ([font] if font else []) + list(CJK_FONTS) + ["DejaVu Sans"],
        "axes.unicode_minus": False,  # the CJK fonts lack U+2212
        "svg.fonttype": "none",
        "svg.hashsalt": "analyzer-study",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
    })
    _READY["font"] = font
    return font


def figure(height: float = 3.2):
    """A new figure of the study's width."""
    _setup()
    import matplotlib.pyplot as plt

    return plt.figure(figsize=(WIDTH, height), dpi=100)


def render(fig, dpi: int = 150) -> tuple[str, bytes]:
    """The figure as an SVG fragment (no XML prolog) and as PNG bytes; closed afterwards."""
    import matplotlib.pyplot as plt

    text = io.StringIO()
    fig.savefig(text, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    data = io.BytesIO()
    fig.savefig(data, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    svg = text.getvalue()
    return svg[svg.index("<svg"):], data.getvalue()


def _short(text: str, n: int = 18) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def draw_bars(labels: Sequence[str], values: Sequence[float], *, xlabel: str = "", percent: bool = False,
              colour: str = PALETTE[0], label_chars: int = 24):
    """Horizontal bars, largest first as given, the value at each bar's end."""
    fig = figure(max(1.6, 0.28 * len(labels) + 0.8))
    ax = fig.add_subplot()
    y = list(range(len(labels)))[::-1]
    ax.barh(y, values, color=colour, height=0.7)
    ax.set_yticks(y, [_short(str(s), label_chars) for s in labels])
    top = max(values) if values else 1
    for yi, v in zip(y, values):
        ax.text(v + top * 0.01, yi, f"{v:.0%}" if percent else f"{v:,.0f}", va="center", fontsize=8)
    ax.set_xlim(0, top * 1.15 if top else 1)
    if percent:
        ax.xaxis.set_major_formatter(_percent())
    else:
        _whole_numbers(ax.xaxis)
    ax.set_xlabel(xlabel)
    return fig


def draw_stacked(groups: Sequence[str], parts: Sequence[str], shares: Sequence[Sequence[float]], *, xlabel: str = ""):
    """One horizontal bar per group, split into the shares of its parts (each row sums to 1)."""
    fig = figure(max(1.8, 0.42 * len(groups) + 1.2))
    ax = fig.add_subplot()
    y = list(range(len(groups)))[::-1]
    left = [0.0] * len(groups)
    for j, part in enumerate(parts):
        widths = [row[j] for row in shares]
        ax.barh(y, widths, left=left, color=PALETTE[j % len(PALETTE)], label=part, height=0.65)
        for yi, lft, w in zip(y, left, widths):
            if w >= 0.06:
                ax.text(lft + w / 2, yi, f"{w:.0%}", ha="center", va="center", fontsize=7, color="white")
        left = [a + b for a, b in zip(left, widths)]
    ax.set_yticks(y, list(groups))
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_percent())
    ax.set_xlabel(xlabel)
    # one row, so that the legend reads in the bars' order (four columns read 予以公开, 不予公开, … 部分公开); above the
    # bars, where no tick labels are (below, it covered the axis' 20% and 40% of a one-bar chart)
    ax.legend(ncol=min(len(parts), 6), fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    return fig


def draw_counts_by(categories: Sequence[str], series: dict[str, Sequence[float]], *, ylabel: str = ""):
    """Stacked vertical bars: one bar per category (e.g. year), one colour per series (e.g. level)."""
    fig = figure(3.0)
    ax = fig.add_subplot()
    x = list(range(len(categories)))
    bottom = [0.0] * len(categories)
    for j, (name, values) in enumerate(series.items()):
        ax.bar(x, values, bottom=bottom, color=PALETTE[j % len(PALETTE)], label=name, width=0.7)
        bottom = [a + b for a, b in zip(bottom, values)]
    for xi, total in zip(x, bottom):
        ax.text(xi, total, f"{total:,.0f}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, list(categories))
    _whole_numbers(ax.yaxis)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, frameon=False, ncol=min(len(series), 6), loc="upper left")
    ax.set_ylim(0, max(bottom or [1]) * 1.25)
    return fig


def draw_boxes(groups: Sequence[str], samples: Sequence[Sequence[float]], *, xlabel: str = "", percent: bool = False,
               log: bool = False):
    """One box per group (median, quartiles, whiskers at 1.5 IQR), with n beside each."""
    fig = figure(max(1.8, 0.45 * len(groups) + 1.0))
    ax = fig.add_subplot()
    y = list(range(1, len(groups) + 1))[::-1]
    ax.boxplot(samples, positions=y, orientation="horizontal", widths=0.55, showfliers=True,
               flierprops={"markersize": 2, "alpha": 0.4}, medianprops={"color": PALETTE[3]})
    ax.set_yticks(y, [f"{g}（n={len(s)}）" for g, s in zip(groups, samples)])
    if log:
        import math

        from matplotlib.ticker import FuncFormatter

        ax.set_xscale("symlog", linthresh=1)
        # up to the next power of ten, ticked as plain counts: twelve reports of 8 applications sat at the axis' end,
        # past its last tick "10⁰", with nothing to read them by
        top = max((v for s in samples for v in s), default=1)
        ax.set_xlim(0, 10 ** math.ceil(math.log10(max(top, 1) * 1.05)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    if percent:
        # a rate is between 0 and 1: an axis autoscaled around equal values (every report at 100%) ran to "104%"
        values = [v for s in samples for v in s]
        ax.set_xlim(min(0.0, min(values, default=0.0)) - 0.02, max(1.0, max(values, default=1.0)) + 0.02)
        ax.xaxis.set_major_formatter(_percent())
    ax.set_xlabel(xlabel)
    return fig


def draw_heatmap(rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[float | None]], *,
                 percent: bool = True, label_chars: int = 16):
    """A grid of shares: rows × columns, the value written in each cell (blank for None)."""
    import numpy as np

    fig = figure(max(2.0, 0.3 * len(rows) + 1.4))
    ax = fig.add_subplot()
    data = np.array([[np.nan if v is None else v for v in row] for row in values], dtype=float)
    ax.imshow(data, aspect="auto", cmap="Blues", vmin=0, vmax=np.nanmax(data) if np.isfinite(data).any() else 1)
    ax.set_xticks(range(len(columns)), list(columns), rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), [_short(r, label_chars) for r in rows], fontsize=8)
    high = np.nanmax(data) if np.isfinite(data).any() else 1
    for i in range(len(rows)):
        for j in range(len(columns)):
            v = data[i, j]
            if np.isfinite(v):
                ax.text(j, i, f"{v:.0%}" if percent else f"{v:g}", ha="center", va="center", fontsize=7,
                        color="white" if v > 0.6 * high else "#1f2328")
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    return fig


def draw_histogram(values: Sequence[float], *, xlabel: str = "", ylabel: str = "", bins: int = 20):
    """A histogram with the median marked."""
    import statistics

    fig = figure(2.6)
    ax = fig.add_subplot()
    ax.hist(values, bins=bins, color=PALETTE[0], edgecolor="white")
    if values:
        med = statistics.median(values)
        ax.axvline(med, color=PALETTE[3], linewidth=1)
        ax.text(med, ax.get_ylim()[1] * 1.02, f"中位数 {med:+.1f}", color=PALETTE[3], fontsize=8, ha="center", va="bottom")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


def draw_network(edges: Sequence[tuple[str, str, float]], *, max_nodes: int = 24):
    """Who copies whom: agencies on a circle, an arrow from the earlier report to the later, wider for more sentences."""
    import math

    fig = figure(5.2)
    ax = fig.add_subplot()
    weight: dict[str, float] = {}
    for a, b, w in edges:
        weight[a] = weight.get(a, 0) + w
        weight[b] = weight.get(b, 0) + w
    nodes = sorted(weight, key=lambda n: (-weight[n], n))[:max_nodes]
    pos = {n: (math.cos(2 * math.pi * i / len(nodes)), math.sin(2 * math.pi * i / len(nodes))) for i, n in enumerate(sorted(nodes))}
    top = max((w for _, _, w in edges), default=1)
    for a, b, w in edges:
        if a in pos and b in pos:
            ax.annotate("", xy=pos[b], xytext=pos[a], arrowprops={
                "arrowstyle": "-|>", "color": PALETTE[0], "alpha": 0.35 + 0.5 * w / top,
                "lw": 0.6 + 2.4 * w / top, "shrinkA": 6, "shrinkB": 6, "connectionstyle": "arc3,rad=0.12"})
    for n, (x, y) in pos.items():
        ax.plot(x, y, "o", color=PALETTE[2], markersize=4 + 8 * math.sqrt(weight[n] / max(weight.values())))
        ax.text(x * 1.12, y * 1.12, _short(n, 12), ha="left" if x >= 0 else "right", va="center", fontsize=7)
    ax.set_xlim(-1.7, 1.7)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def _whole_numbers(axis) -> None:
    """Ticks of a count at whole numbers: half a report on the axis (0.5, 1.5) reads as a slip."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _percent():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0, decimals=0)
