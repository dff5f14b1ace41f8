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


def _svg(width: int, height: int, title: str, body: str) -> SafeString:
    label = escape(title)
    return mark_safe(  # noqa: S308 - every interpolated text below is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{label}" class="chart" preserveAspectRatio="xMinYMin meet"><title>{label}</title>{body}</svg>'
    )


def _heat(value: int, peak: int) -> str:
    """White → deep red, by share of the busiest cell."""
    if value <= 0 or peak <= 0:
        return "#f8fafc"
    share = value / peak
    red, green, blue = 254, round(243 - 200 * share), round(242 - 210 * share)
    return f"rgb({red},{max(green, 0)},{max(blue, 0)})"


def heatmap_svg(labels: Sequence[str], matrix: Sequence[Sequence[int]], *, title: str) -> SafeString:
    n = len(labels)
    cell, left, top = 64, 110, 34
    width, height = left + cell * n + 10, top + cell * n + 10
    peak = max((v for row in matrix for v in row), default=0)
    parts = []
    for j, name in enumerate(labels):
        parts.append(f'<text x="{left + cell * j + cell / 2}" y="{top - 10}" text-anchor="middle" font-size="12" '
                     f'fill="{INK}">{escape(name[:12])}</text>')
    for i, name in enumerate(labels):
        y = top + cell * i
        parts.append(f'<text x="{left - 8}" y="{y + cell / 2 + 4}" text-anchor="end" font-size="12" '
                     f'fill="{INK}">{escape(name[:14])}</text>')
        for j, value in enumerate(matrix[i]):
            x = left + cell * j
            colour = _heat(value, peak)
            text_colour = "#fff" if peak and value / peak > 0.6 else INK
            parts.append(
                f'<g><title>{escape(labels[i])} × {escape(labels[j])}: {value} open conflicts</title>'
                f'<rect x="{x + 2}" y="{y + 2}" width="{cell - 4}" height="{cell - 4}" rx="6" fill="{colour}" '
                f'stroke="#d9dee7"/><text x="{x + cell / 2}" y="{y + cell / 2 + 5}" text-anchor="middle" '
                f'font-size="15" font-weight="600" fill="{text_colour}">{value}</text></g>'
            )
    return _svg(width, height, title, "".join(parts))


def trend_svg(points: Sequence[tuple[dt.date, int]], *, title: str) -> SafeString:
    width, height, left, bottom, top, right = 520, 200, 40, 30, 14, 14
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#d9dee7"/>']
    for pct in (0, 50, 100):
        y = top + plot_h - plot_h * pct / 100
        parts.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" font-size="11" fill="{MUTED}">{pct}%</text>'
                     f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="#eef2f6"/>')
    if points:
        step = plot_w / max(len(points) - 1, 1)
        coords = [(left + step * k, top + plot_h - plot_h * value / 100) for k, (_, value) in enumerate(points)]
        path = " ".join(f"{'M' if k == 0 else 'L'}{x:.1f},{y:.1f}" for k, (x, y) in enumerate(coords))
        parts.append(f'<path d="{path}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>')
        for (x, y), (day, value) in zip(coords, points, strict=True):
            parts.append(f'<g><title>Week of {day:%d %b}: {value}%</title>'
                         f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{ACCENT}"/></g>'
                         f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" font-size="10" '
                         f'fill="{MUTED}">{day:%d %b}</text>')
    return _svg(width, height, title, "".join(parts))


def bar_svg(items: Sequence[tuple[str, int]], *, title: str) -> SafeString:
    row, left, width = 26, 150, 460
    height = max(row * len(items) + 10, 40)
    peak = max((v for _, v in items), default=0)
    parts = []
    if not items:
        parts.append(f'<text x="10" y="24" font-size="13" fill="{MUTED}">No open conflicts.</text>')
    for k, (label, value) in enumerate(items):
        y = 5 + row * k
        bar = (width - left - 40) * value / peak if peak else 0
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" font-size="12" fill="{INK}">'
                     f'{escape(label)}</text><rect x="{left}" y="{y + 3}" width="{bar:.1f}" height="{row - 8}" '
                     f'rx="3" fill="{ACCENT}"/><text x="{left + bar + 6:.1f}" y="{y + 16}" font-size="12" '
                     f'fill="{INK}">{value}</text>')
    return _svg(width, height, title, "".join(parts))
