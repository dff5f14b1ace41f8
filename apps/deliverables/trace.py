"""The traceability matrix: objective → input (workstream, revision) → findings → decision → section → versions.

One row per input that left draft. Building a page of rows costs the same handful of queries whatever
the number of rows; exports walk all rows in chunks with the same queries per chunk.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Min, OuterRef, Q, QuerySet

from apps.alignment.models import Decision
from apps.conflicts.models import Finding
from apps.core.ids import is_id
from apps.core.ooxml import deterministic_ooxml
from apps.engagements.models import Engagement
from apps.inputs.models import Input
from apps.inputs.policies import input_private_q

from .models import DeliverableVersion, TraceLink

STATUSES = ("traced", "untraced", "suspect")
EXPORT_CHUNK = 500
HEADER = ["Objectives", "Input", "Title", "Workstream", "Input status", "Current revision", "Traced revision(s)",
          "Findings", "Decisions", "Sections", "Published versions", "Trace status"]


@dataclass
class TraceRow:
    input: Input
    objectives: list[Any] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    links: list[TraceLink] = field(default_factory=list)  # direct links to any revision of the input
    via_decision: list[TraceLink] = field(default_factory=list)  # sections reached through a decision
    versions: list[tuple[str, int, int]] = field(default_factory=list)  # (deliverable title, number, version id)

    @property
    def status(self) -> str:
        if any(link.is_suspect for link in self.links):
            return "suspect"
        return "traced" if self.links else "untraced"

    @property
    def sections(self) -> list[Any]:
        seen: dict[int, Any] = {}
        for link in [*self.links, *self.via_decision]:
            seen.setdefault(link.section_id, link.section)
        return list(seen.values())


def matrix_inputs(*, engagement: Engagement, filters: dict[str, Any] | None = None) -> QuerySet[Input]:
    filters = filters or {}
    links = TraceLink.objects.filter(input_revision__input=OuterRef("pk"),
                                     section__deliverable__engagement=engagement)
    qs = (
        Input.objects.filter(engagement=engagement).exclude(input_private_q())  # drafts trace nowhere
        .select_related("workstream", "current_revision")
        .annotate(is_traced=Exists(links), is_suspect=Exists(links.filter(is_suspect=True)),
                  first_objective=Min("objectives__code"))
    )
    if value := filters.get("workstream"):
        qs = qs.filter(workstream_id=value) if is_id(value) else qs.filter(workstream__slug=value)
    if value := filters.get("objective"):
        qs = qs.filter(objectives__id=value) if is_id(value) else qs.filter(objectives__code=value)
    status = filters.get("status")
    if status == "traced":
        qs = qs.filter(is_traced=True, is_suspect=False)
    elif status == "untraced":
        qs = qs.filter(is_traced=False)
    elif status == "suspect":
        qs = qs.filter(is_suspect=True)
    if value := (filters.get("q") or "").strip():
        qs = qs.filter(Q(title__icontains=value) | Q(current_revision__body__icontains=value))
    return qs.order_by("first_objective", "workstream_id", "id")


def build_rows(*, engagement: Engagement, inputs: Iterable[Input],
               versions_by_input: dict[int, list[tuple[str, int, int]]] | None = None) -> list[TraceRow]:
    """Attach findings, decisions, sections and versions to a page of inputs: six queries, any page size."""
    inputs = list(inputs)
    ids = [i.pk for i in inputs]
    rows = {i.pk: TraceRow(input=i) for i in inputs}
    if not ids:
        return []
    through = Input.objectives.through
    for link in through.objects.filter(input_id__in=ids).select_related("objective").order_by("objective__code"):
        rows[link.input_id].objectives.append(link.objective)
    finding_ids_by_input: dict[int, set[int]] = defaultdict(set)
    for finding in Finding.objects.filter(Q(input_a_id__in=ids) | Q(input_b_id__in=ids)).order_by("id"):
        for input_id in {finding.input_a_id, finding.input_b_id}:
            if input_id in rows:
                rows[input_id].findings.append(finding)
                finding_ids_by_input[input_id].add(finding.pk)
    decisions = list(
        Decision.objects.filter(Q(agenda_item__input_id__in=ids) | Q(agenda_item__finding__input_a_id__in=ids)
                                | Q(agenda_item__finding__input_b_id__in=ids))
        .select_related("agenda_item__finding").order_by("id")
    )
    decision_inputs: dict[int, set[int]] = defaultdict(set)
    for decision in decisions:
        item = decision.agenda_item
        concerned = {item.input_id} if item.input_id else {item.finding.input_a_id, item.finding.input_b_id}
        for input_id in concerned:
            if input_id in rows:
                rows[input_id].decisions.append(decision)
                decision_inputs[decision.pk].add(input_id)
    for link in (TraceLink.objects.filter(input_revision__input_id__in=ids,
                                          section__deliverable__engagement=engagement)
                 .select_related("input_revision", "section__deliverable").order_by("section__order", "id")):
        rows[link.input_revision.input_id].links.append(link)
    if decision_inputs:
        for link in (TraceLink.objects.filter(decision_id__in=list(decision_inputs))
                     .select_related("section__deliverable").order_by("section__order", "id")):
            for input_id in decision_inputs[link.decision_id]:
                rows[input_id].via_decision.append(link)
    if versions_by_input is None:
        versions_by_input = versions_index(engagement=engagement)
    for input_id, row in rows.items():
        row.versions = versions_by_input.get(input_id, [])
    return [rows[i] for i in ids]


def versions_index(*, engagement: Engagement) -> dict[int, list[tuple[str, int, int]]]:
    """input id → published versions whose frozen manifest traces to it (one query)."""
    index: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    versions = (DeliverableVersion.objects.filter(deliverable__engagement=engagement)
                .select_related("deliverable").only("id", "number", "trace_manifest", "deliverable__title")
                .order_by("deliverable_id", "number"))
    for version in versions:
        seen: set[int] = set()
        for section in version.trace_manifest or []:
            for entry in section.get("input_revisions", []):
                input_id = entry.get("input_id")
                if input_id is not None and input_id not in seen:
                    seen.add(input_id)
                    index[input_id].append((version.deliverable.title, version.number, version.pk))
    return index


def iter_all_rows(*, engagement: Engagement, filters: dict[str, Any] | None = None) -> Iterator[TraceRow]:
    qs = matrix_inputs(engagement=engagement, filters=filters)
    versions = versions_index(engagement=engagement)
    ids = list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[start:start + EXPORT_CHUNK]
        by_id = {i.pk: i for i in matrix_inputs(engagement=engagement).filter(pk__in=chunk)}
        yield from build_rows(engagement=engagement, inputs=[by_id[i] for i in chunk], versions_by_input=versions)


# --- flat cells for CSV, XLSX and the JSON API ---------------------------------------------------------

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """Spreadsheet formula injection guard: text starting with = + - @ tab or CR gets a leading quote."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def row_record(row: TraceRow) -> dict[str, Any]:
    item = row.input
    return {
        "objectives": [o.code for o in row.objectives],
        "input": {"id": item.pk, "ref": item.reference, "title": item.title, "workstream": item.workstream.name,
                  "status": item.status, "current_revision": item.revision_count},
        "traced_revisions": sorted({link.input_revision.number for link in row.links}),
        "findings": [{"id": f.pk, "ref": f.reference, "label": f.label, "kind": f.kind, "status": f.status}
                     for f in row.findings],
        "decisions": [{"id": d.pk, "ref": d.reference, "outcome": d.outcome, "version": d.version,
                       "suspect": d.is_suspect} for d in row.decisions],
        "sections": [{"id": s.pk, "heading": s.heading, "deliverable": s.deliverable.title}
                     for s in row.sections],
        "versions": [{"id": vid, "deliverable": title, "number": number} for title, number, vid in row.versions],
        "status": row.status,
    }


def row_cells(row: TraceRow) -> list[Any]:
    item = row.input
    return [escape_cell(cell) for cell in [
        ", ".join(o.code for o in row.objectives),
        item.reference,
        item.title,
        item.workstream.name,
        item.get_status_display(),
        f"r{item.revision_count}",
        ", ".join(f"r{n}" for n in sorted({link.input_revision.number for link in row.links})),
        "; ".join(f"{f.reference} {f.get_label_display()} ({f.get_status_display()})" for f in row.findings),
        "; ".join(f"{d.reference} {d.get_outcome_display()} v{d.version}" for d in row.decisions),
        "; ".join(f"{s.deliverable.title}: {s.heading}" for s in row.sections),
        "; ".join(f"{title} v{number}" for title, number, _ in row.versions),
        row.status,
    ]]


def to_csv(rows: Iterable[TraceRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(row_cells(row))
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def to_xlsx(rows: Iterable[TraceRow], *, title: str = "Traceability") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31] or "Traceability"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row_cells(row))
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # text, never a formula, whatever it starts with
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    # openpyxl stamps "modified = now" and the save time on every ZIP entry. The matrix is live data with no
    # moment of its own, so no date is claimed: the same rows download as the same bytes.
    return deterministic_ooxml(buffer.getvalue(), timestamp=None)
