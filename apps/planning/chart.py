"""The plan's timeline as a server-side SVG: one bar per work item on its planned dates, grouped by objective,
dependency arrows, the critical path in red. A plain function of plan items; every text is escaped here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from .engine import CriticalPath, PlanItem, critical_path, format_span, sequences

LABEL_W = 300  # the left column with code and title
CHART_W = 700
ROW_H = 30
HEAD_H = 44  # month axis
GROUP_H = 28  # objective heading row
BAR_H = 16
FONT = 12  # every label is at least 11 px: the chart is drawn at its natural size, never scaled down
SMALL = 11
PALETTE = ["#2563eb", "#d97706", "#059669", "#7c3aed", "#db2777", "#0891b2"]
CRITICAL = "#b91c1c"


def _trim(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, cursor = [], dt.date(first.year, first.month, 1)
    while cursor <= last:
        months.append(cursor)
        cursor = dt.date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    return months


def render_timeline(items: Sequence[PlanItem], *, title: str = "Plan of work", today: dt.date | None = None,
                    path: CriticalPath | None = None) -> str:
    """The SVG document (a string). `items` are the active work items of one plan version."""
    if not items:
        return ('<svg xmlns="http://www.w3.org/2000/svg" width="420" height="40" role="img" aria-label="Empty plan">'
                f'<text x="8" y="24" font-size="{FONT}" font-family="sans-serif">No work items in this plan yet.'
                '</text></svg>')
    path = path if path is not None else critical_path(items)
    first = min(i.start for i in items)
    last = max(i.end for i in items)
    months = _months(first, last)
    span_start = months[0]
    span_end = _months(last, last)[0]
    span_end = dt.date(span_end.year + (span_end.month == 12), span_end.month % 12 + 1, 1)
    days = max((span_end - span_start).days, 1)

    def x_of(day: dt.date) -> float:
        return LABEL_W + CHART_W * (day - span_start).days / days

    groups = sequences(items)
    workstreams = sorted({i.workstream for i in items})
    colour = {ws: PALETTE[n % len(PALETTE)] for n, ws in enumerate(workstreams)}
    height = HEAD_H + sum(GROUP_H + ROW_H * len(g) for g in groups.values()) + 56
    width = LABEL_W + CHART_W + 20
    ordered = path.ordered(items)
    desc = ("Critical path: " + " → ".join(i.code for i in ordered)) if ordered else "No critical path."
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plan-timeline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="tl-title tl-desc" '
        f'font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="{FONT}">',
        f'<title id="tl-title">{escape(title)}</title><desc id="tl-desc">{escape(desc)}</desc>',
        '<defs><marker id="tl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#475569"/></marker>'
        f'<marker id="tl-arrow-critical" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{CRITICAL}"/></marker></defs>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    # Month axis and grid.
    for month in months:
        x = x_of(month)
        out.append(f'<line x1="{x:.1f}" y1="{HEAD_H - 8}" x2="{x:.1f}" y2="{height - 50}" stroke="#e2e8f0"/>')
        out.append(f'<text x="{x + 4:.1f}" y="{HEAD_H - 14}" font-size="{SMALL}" fill="#334155">'
                   f'{month:%b %Y}</text>')
    # Rows.
    rows: dict[int, float] = {}
    y = HEAD_H
    for objective, group in groups.items():
        out.append(f'<rect x="0" y="{y}" width="{width}" height="{GROUP_H}" fill="#f1f5f9"/>')
        out.append(f'<text x="8" y="{y + 19}" font-weight="600" fill="#0f172a">'
                   f'{escape(_trim(f"{objective} {group[0].objective_title}", 90))}</text>')
        y += GROUP_H
        for item in group:
            rows[item.id] = y + ROW_H / 2
            critical = item.id in path.items
            label = f"{item.code}  {_trim(item.title, 40)}"
            weight = ' font-weight="600"' if critical else ""
            out.append(f'<text x="16" y="{y + ROW_H / 2 + 4:.1f}" fill="#0f172a"{weight}>{escape(label)}</text>')
            x1, x2 = x_of(item.start), x_of(item.end + dt.timedelta(days=1))
            tip = (f"{item.code} {item.title} · {item.workstream} · {format_span(item.start, item.end)}"
                   + (" · on the critical path" if critical else ""))
            stroke = f' stroke="{CRITICAL}" stroke-width="2.5"' if critical else ""
            klass = "bar critical" if critical else "bar"
            out.append(f'<g class="{klass}" data-code={quoteattr(item.code)}><title>{escape(tip)}</title>'
                       f'<rect x="{x1:.1f}" y="{y + (ROW_H - BAR_H) / 2:.1f}" width="{max(x2 - x1, 3):.1f}" '
                       f'height="{BAR_H}" rx="3" fill="{colour[item.workstream]}"{stroke}/></g>')
            y += ROW_H
    # Dependency arrows: from the end of the dependency to the start of the dependent.
    by_id = {i.id: i for i in items}
    for item in items:
        for dep_id in item.depends_on:
            dep = by_id.get(dep_id)
            if dep is None:
                continue
            critical = (dep_id, item.id) in path.edges
            xa = x_of(dep.end + dt.timedelta(days=1))
            xb = x_of(item.start)
            ya, yb = rows[dep_id], rows[item.id]
            elbow = max(xa + 6, min(xb - 6, xa + 12))
            colour_line = CRITICAL if critical else "#475569"
            marker = "tl-arrow-critical" if critical else "tl-arrow"
            out.append(f'<path class="dep{" critical" if critical else ""}" d="M{xa:.1f},{ya:.1f} H{elbow:.1f} '
                       f'V{yb:.1f} H{max(xb, elbow + 4):.1f}" fill="none" stroke="{colour_line}" '
                       f'stroke-width="{2 if critical else 1.2}" marker-end="url(#{marker})"/>')
    if today is not None and span_start <= today <= span_end:
        xt = x_of(today)
        out.append(f'<line x1="{xt:.1f}" y1="4" x2="{xt:.1f}" y2="{height - 50}" stroke="#0f172a" '
                   f'stroke-dasharray="4 3"/><text x="{xt + 3:.1f}" y="13" font-size="{SMALL}" '
                   f'fill="#0f172a">today</text>')
    # Legend.
    ly = height - 30
    out.append(f'<rect x="8" y="{ly - 11}" width="22" height="12" rx="3" fill="#94a3b8" stroke="{CRITICAL}" '
               f'stroke-width="2.5"/><text x="36" y="{ly}" font-size="{SMALL}">critical path</text>')
    out.append(f'<path d="M130,{ly - 5} H170" stroke="#475569" stroke-width="1.2" marker-end="url(#tl-arrow)"/>'
               f'<text x="176" y="{ly}" font-size="{SMALL}">depends on (arrow points to the dependent)</text>')
    lx = 480
    for ws in workstreams:
        out.append(f'<rect x="{lx}" y="{ly - 11}" width="12" height="12" rx="2" fill="{colour[ws]}"/>'
                   f'<text x="{lx + 16}" y="{ly}" font-size="{SMALL}">{escape(_trim(ws, 20))}</text>')
        lx += 24 + 7 * min(len(ws), 20)
    out.append("</svg>")
    return "".join(out)
