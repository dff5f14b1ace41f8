"""The record of a session as Markdown: attendees, agenda, positions, decisions, rationale, follow-ups."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .models import AgendaItem, AlignmentSession, Decision


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in (text or "").strip().splitlines())


def decision_summary(decision: Decision) -> str:
    parts = [f"**{decision.reference} — {decision.get_outcome_display()}** (version {decision.version}, "
             f"{decision.decided_by})"]
    if decision.outcome == Decision.Outcome.ADOPT and decision.adopted_input:
        parts.append(f"Adopted: {decision.adopted_input.reference} {decision.adopted_input.title}")
    if decision.due_date:
        parts.append(f"Due: {decision.due_date:%Y-%m-%d}")
    if decision.owner:
        parts.append(f"Owner: {decision.owner}")
    return " · ".join(parts)


def follow_ups(items: Sequence[AgendaItem]) -> list[AgendaItem]:
    """Items still open after the session: deferred, escalated, or not decided at all."""
    result = []
    for item in items:
        decision = item_decision(item)
        if decision is None or decision.is_open_follow_up:
            result.append(item)
    return result


def item_decision(item: AgendaItem) -> Decision | None:
    try:
        return item.decision
    except Decision.DoesNotExist:
        return None


def session_record_markdown(*, session: AlignmentSession, items: Sequence[AgendaItem],
                            participants: Sequence[Any]) -> str:
    lines = [f"# {session.title}", ""]
    lines.append(f"- Engagement: {session.engagement.name}")
    lines.append(f"- Scheduled: {session.scheduled_at:%Y-%m-%d %H:%M} UTC")
    lines.append(f"- Status: {session.get_status_display()}")
    if session.started_at:
        lines.append(f"- Started: {session.started_at:%Y-%m-%d %H:%M} UTC")
    if session.concluded_at:
        lines.append(f"- Concluded: {session.concluded_at:%Y-%m-%d %H:%M} UTC")
    lines.append(f"- Run by: {session.created_by}")
    lines += ["", "## Attendees", ""]
    lines += [f"- {p.full_name or p.email} ({p.email})" for p in participants] or ["- (none recorded)"]
    lines += ["", "## Agenda", ""]
    for number, item in enumerate(items, start=1):
        lines.append(f"{number}. {item.title}")
    for number, item in enumerate(items, start=1):
        lines += ["", f"### {number}. {item.title}", ""]
        if item.finding_id:
            f = item.finding
            lines.append(f"Finding {f.reference} between {f.workstream_a.name} ({f.input_a.reference}) and "
                         f"{f.workstream_b.name} ({f.input_b.reference}).")
            lines += ["", _quote(f"{f.workstream_a.name}: {f.statement_a}"), "",
                      _quote(f"{f.workstream_b.name}: {f.statement_b}")]
        else:
            lines.append(f"Input {item.input.reference} from {item.input.workstream.name}.")
        lines += ["", "Positions:", ""]
        positions = list(item.positions.all())
        lines += [f"- {p.workstream.name}: **{p.get_stance_display()}** — {p.reason} ({p.recorded_by})"
                  for p in positions] or ["- (no positions recorded)"]
        decision = item_decision(item)
        lines.append("")
        if decision is None:
            lines.append("Decision: none yet.")
        else:
            lines.append("Decision: " + decision_summary(decision))
            lines += ["", "Rationale:", "", _quote(decision.rationale)]
            if decision.merged_text:
                lines += ["", "Integrated text:", "", _quote(decision.merged_text)]
    lines += ["", "## Open follow-ups", ""]
    open_items = follow_ups(items)
    for item in open_items:
        decision = item_decision(item)
        what = decision_summary(decision) if decision else "not decided"
        lines.append(f"- {item.title} — {what}")
    if not open_items:
        lines.append("- None.")
    if session.minutes.strip():
        lines += ["", "## Minutes", "", session.minutes.strip()]
    return "\n".join(lines) + "\n"
