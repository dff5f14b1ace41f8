"""Server-side SVG charts: no front-end library, no CDN, readable by screen readers.

Pure functions from numbers to SVG markup; every label is escaped.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

ACCENT = "#2457c5"
INK = "#1c2330"
MUTED = "#5b6577"


# Every text is at least 11 px as shown: the charts are drawn at their natural size (width/height attributes
# equal to the viewBox) and at most 340 px wide, so a 1366 px screen shows them unscaled and a 390 px phone
# shrinks them by at most 7% (the stylesheet never scales a chart up).
LABEL = 13
SMALL = 12
MAX_WIDTH = 340
CHAR_W = 7.8  # average width of a 13 px system-ui Latin character, to size margins so no label is clipped
WIDE_W = 13.5  # a 13 px Hangul or CJK character


def _text_w(text: str) -> float:
    return sum(CHAR_W if ord(ch) < 0x1100 else WIDE_W for ch in text)


def _svg(width: int, height: int, title: str, body: str) -> SafeString:
    label = escape(title)
    return mark_safe(  # noqa: S308 - every interpolated text below is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{label}" class="chart" font-family="system-ui, -apple-system, Segoe UI, sans-serif">'
        f'<title>{label}</title>{body}</svg>'
    )


def _fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _heat(value: int, peak: int) -> str:
    """White → deep red, by share of the busiest cell."""
    if value <= 0 or peak <= 0:
        return "#f8fafc"
    share = value / peak
    red, green, blue = 254, round(243 - 200 * share), round(242 - 210 * share)
    return f"rgb({red},{max(green, 0)},{max(blue, 0)})"


def heatmap_svg(labels: Sequence[str], matrix: Sequence[Sequence[int]], *, title: str) -> SafeString:
    """Conflicts between two workstreams count once: the matrix is symmetric, so only the lower triangle is
    drawn (rows from the second workstream on, columns up to the one before the row). The diagonal appears
    only if a workstream has findings with itself."""
    n = len(labels)
    with_diagonal = any(matrix[i][i] for i in range(n))
    rows = list(range(n)) if with_diagonal else list(range(1, n))
    cols = list(range(n)) if with_diagonal else list(range(n - 1))
    row_chars, col_chars = 14, 12
    # a column is as wide as its heading (within reason), so no heading runs into the next
    cell = round(min(max([64.0] + [_text_w(_fit(labels[j], col_chars)) + 12 for j in cols]), 104))
    left = round(max((_text_w(_fit(labels[i], row_chars)) for i in rows), default=30)) + 16
    top = 30
    width, height = left + cell * max(len(cols), 1) + 8, top + cell * max(len(rows), 1) + 8
    peak = max((v for row in matrix for v in row), default=0)
    parts = []
    for c, j in enumerate(cols):
        parts.append(f'<text x="{left + cell * c + cell / 2}" y="{top - 10}" text-anchor="middle" '
                     f'font-size="{LABEL}" fill="{INK}"><title>{escape(labels[j])}</title>'
                     f'{escape(_fit(labels[j], col_chars))}</text>')
    for r, i in enumerate(rows):
        y = top + cell * r
        parts.append(f'<text x="{left - 8}" y="{y + cell / 2 + 4}" text-anchor="end" font-size="{LABEL}" '
                     f'fill="{INK}"><title>{escape(labels[i])}</title>{escape(_fit(labels[i], row_chars))}</text>')
        for c, j in enumerate(cols):
            if j > i or (j == i and not with_diagonal):
                continue  # the upper triangle repeats the lower one
            x = left + cell * c
            value = matrix[i][j]
            colour = _heat(value, peak)
            text_colour = "#fff" if peak and value / peak > 0.6 else INK
            parts.append(
                f'<g><title>{escape(labels[i])} × {escape(labels[j])}: {value} open conflicts</title>'
                f'<rect x="{x + 2}" y="{y + 2}" width="{cell - 4}" height="{cell - 4}" rx="6" fill="{colour}" '
                f'stroke="#d9dee7"/><text x="{x + cell / 2}" y="{y + cell / 2 + 6}" text-anchor="middle" '
                f'font-size="16" font-weight="600" fill="{text_colour}">{value}</text></g>'
            )
    return _svg(width, height, title, "".join(parts))


def trend_svg(points: Sequence[tuple[dt.date, int]], *, title: str) -> SafeString:
    width, height, left, bottom, top, right = MAX_WIDTH, 200, 42, 34, 14, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#d9dee7"/>']
    for pct in (0, 50, 100):
        y = top + plot_h - plot_h * pct / 100
        parts.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" font-size="{SMALL}" fill="{MUTED}">'
                     f'{pct}%</text><line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="#eef2f6"/>')
    if points:
        step = plot_w / max(len(points) - 1, 1)
        every = max(1, -(-len(points) * 48 // plot_w))  # a date label needs about 48 px: skip some if crowded
        coords = [(left + step * k, top + plot_h - plot_h * value / 100) for k, (_, value) in enumerate(points)]
        path = " ".join(f"{'M' if k == 0 else 'L'}{x:.1f},{y:.1f}" for k, (x, y) in enumerate(coords))
        parts.append(f'<path d="{path}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>')
        for k, ((x, y), (day, value)) in enumerate(zip(coords, points, strict=True)):
            parts.append(f'<g><title>Week of {day:%d %b}: {value}%</title>'
                         f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{ACCENT}"/></g>')
            if (len(points) - 1 - k) % every == 0:  # counted from the latest week, which is always labelled
                parts.append(f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle" font-size="{SMALL}" '
                             f'fill="{MUTED}">{day:%d %b}</text>')
    return _svg(width, height, title, "".join(parts))


def bar_svg(items: Sequence[tuple[str, int]], *, title: str) -> SafeString:
    row, width = 28, MAX_WIDTH
    left = round(max((_text_w(label) for label, _ in items), default=60)) + 14
    height = max(row * len(items) + 10, 40)
    peak = max((v for _, v in items), default=0)
    parts = []
    if not items:
        parts.append(f'<text x="10" y="24" font-size="13" fill="{MUTED}">No open conflicts.</text>')
    for k, (label, value) in enumerate(items):
        y = 5 + row * k
        bar = (width - left - 44) * value / peak if peak else 0
        parts.append(f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" font-size="{LABEL}" fill="{INK}">'
                     f'{escape(label)}</text><rect x="{left}" y="{y + 4}" width="{bar:.1f}" height="{row - 8}" '
                     f'rx="3" fill="{ACCENT}"/><text x="{left + bar + 6:.1f}" y="{y + 17}" font-size="{LABEL}" '
                     f'fill="{INK}">{value}</text>')
    return _svg(width, height, title, "".join(parts))
