"""Server-rendered SVG charts: no JavaScript, presentation attributes only (the CSP forbids inline styles),
a <title> and <desc> for screen readers; the page shows the same numbers in a table under each chart."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from html import escape

from core.formatting import number_no, percent_no

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 48
BAR = "#0067c5"
GRID = "#c6c2bf"
INK = "#23262a"
FONT = 11
CHAR_W = 6.6  # an average glyph at font-size 11, enough to keep labels apart
_ids = itertools.count(1)


def _shown(value: float, as_share: bool) -> str:
    """A value as the page writes it: "25 %" or "2,5" (Babel nb_NO), never "2.5"."""
    return percent_no(value) if as_share else number_no(value)


def _every(labels: Sequence[str], slot: float) -> int:
    """Show every n-th axis label so that no two run together: the widest line of a label plus a gap must fit in
    the slots between two shown labels."""
    widest = max((len(line) for label in labels for line in label.split("\n")), default=0)
    return max(1, math.ceil((widest * CHAR_W + 8) / slot)) if slot > 0 else 1


def _thinned(labels: Sequence[str], every: int) -> list[str | None]:
    """The axis text under each point (None: left out). A left-out label's second line (a new year under «jan.»)
    moves to the next label shown, so thinning never hides where a year begins."""
    out: list[str | None] = []
    carried = None
    for i, label in enumerate(labels):
        if i % every:
            out.append(None)
            if "\n" in label:
                carried = label.split("\n", 1)[1]
            continue
        if carried and "\n" not in label:
            label = f"{label}\n{carried}"
        carried = None
        out.append(label)
    return out


def _axis_label(x: float, label: str) -> str:
    """A label under the axis; a two-line label ("jan.\n2026") gets one tspan per line."""
    lines = label.split("\n")
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else FONT + 2}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="{FONT}" fill="{INK}">'
        f"{spans}</text>"
    )


def _frame(title: str, desc: str, body: list[str]) -> str:
    n = next(_ids)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'class="chart" aria-labelledby="chart-t{n} chart-d{n}">'
        f'<title id="chart-t{n}">{escape(title)}</title><desc id="chart-d{n}">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _axis(max_value: float, as_share: bool) -> tuple[list[str], float]:
    top = 1.0 if as_share else max(1.0, float(max_value))
    if not as_share:
        step = max(1, round(top / 4))
        top = step * 4 if step * 4 >= top else step * 5
    body = []
    plot_h = HEIGHT - TOP - BOTTOM
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        label = _shown(value, as_share)
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{INK}">{label}</text>'
        )
    return body, top


def bar_chart(
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    as_share: bool = False,
    names: Sequence[str] | None = None,
) -> str:
    """`names` are the bars' full names for the tooltips ("februar 2026") when the axis labels are short."""
    body, top = _axis(max(values, default=0), as_share)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    n = max(1, len(values))
    slot = plot_w / n
    bar_w = max(4.0, slot * 0.7)
    axis = _thinned(labels, _every(labels, slot))
    names = names or [label.replace("\n", " ") for label in labels]
    for i, (value, name) in enumerate(zip(values, names, strict=True)):
        h = plot_h * (value / top) if top else 0
        x = LEFT + slot * i + (slot - bar_w) / 2
        y = TOP + plot_h - h
        shown = _shown(value, as_share)
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR}">'
            f"<title>{escape(name)}: {shown}</title></rect>"
        )
        if (text := axis[i]) is not None:
            body.append(_axis_label(x + bar_w / 2, text))
    return _frame(title, desc, body)


def line_chart(
    title: str, desc: str, labels: Sequence[str], values: Sequence[float | None], *, as_share: bool = True
) -> str:
    """A point per label; a None value (nothing measured) gets no point, and the line stops there instead of
    dropping to zero."""
    body, top = _axis(max((v for v in values if v is not None), default=0), as_share)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    n = len(values)
    axis = _thinned(labels, _every(labels, plot_w / n if n else plot_w))
    runs: list[list[tuple[float, float]]] = [[]]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + (plot_w * (i + 0.5) / n if n else 0)
        if (text := axis[i]) is not None:
            body.append(_axis_label(x, text))
        if value is None:
            if runs[-1]:
                runs.append([])
            continue
        y = TOP + plot_h - plot_h * (value / top if top else 0)
        runs[-1].append((x, y))
        shown = _shown(value, as_share)
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{BAR}">'
            f"<title>{escape(label.replace(chr(10), ' '))}: {shown}</title></circle>"
        )
    for points in runs:
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{BAR}" stroke-width="2"/>')
    return _frame(title, desc, body)
