"""Exports of a published version: Markdown, standalone HTML, PDF (WeasyPrint) and DOCX (python-docx).

The document part is the version's frozen content (the stored rendered bytes for HTML/PDF, the
stored Markdown for Markdown, the stored sections for DOCX). HTML and PDF end with a signature
page and the traceability matrix. Nothing here reads the clock: exporting the same version with
the same signatures gives the same bytes in every format (document dates are the version's
publication moment; the DOCX package is rewritten with fixed entry dates and order).
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from apps.core.hashing import sha256_bytes
from apps.core.ooxml import deterministic_ooxml

FORMATS = {
    "md": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}


@dataclass(frozen=True)
class TraceRow:
    section: str
    kind: str
    reference: str
    detail: str
    fingerprint: str
    suspect: bool


@dataclass(frozen=True)
class SignatureRow:
    signer: str
    organization: str
    meaning: str
    signed_at: datetime
    content_sha256: str
    comment: str

    @property
    def signed_at_utc(self) -> str:
        return self.signed_at.strftime("%Y-%m-%d %H:%M:%S UTC")


_KIND_LABELS = {"input_revision": "Input revision", "input": "Input revision", "decision": "Decision",
                "objective": "Objective"}


def _first(entry: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = entry.get(key)
        if value not in (None, "", [], {}):
            return value
    return ""


def _trace_row(entry: dict[str, Any], section: str = "") -> TraceRow:
    kind = str(_first(entry, "kind", "type", "target_type"))
    if not kind:
        kind = next((k for k in ("input_revision", "decision", "objective") if entry.get(k) or entry.get(f"{k}_id")),
                    "")
    reference = _first(entry, "reference", "ref", "code", "label", "target")
    if isinstance(reference, dict):
        reference = _first(reference, "reference", "code", "label", "title", "id")
    detail = _first(entry, "title", "summary", "text", "rationale")
    fingerprint = _first(entry, "sha256", "body_sha256", "content_sha256", "hash")
    version = _first(entry, "revision", "revision_number", "decision_version", "version")
    if version != "" and reference:
        reference = f"{reference} (r{version})" if kind.startswith("input") else f"{reference} (v{version})"
    return TraceRow(
        section=str(section or _first(entry, "section", "section_heading", "heading")),
        kind=_KIND_LABELS.get(kind, kind.replace("_", " ").capitalize()),
        reference=str(reference),
        detail=str(detail)[:300],
        fingerprint=str(fingerprint),
        suspect=bool(entry.get("suspect") or entry.get("is_suspect")),
    )


def _section_label(entry: dict[str, Any]) -> str:
    heading = str(_first(entry, "heading", "section", "section_heading"))
    number = entry.get("number")
    return f"{number}. {heading}" if number not in (None, "") and heading else heading


def _published_manifest_rows(entry: dict[str, Any]) -> list[TraceRow]:
    """One section of the manifest written by version_publish: its input revisions, decisions, objectives."""
    section = _section_label(entry)
    rows = [TraceRow(section, "Input revision",
                     f"{link.get('input', '')} r{link.get('revision', '')}".strip(),
                     " · ".join(str(x) for x in (link.get("workstream"), link.get("title")) if x)[:300],
                     str(link.get("body_sha256", "")), bool(link.get("suspect")))
            for link in entry.get("input_revisions") or [] if isinstance(link, dict)]
    rows += [TraceRow(section, "Decision", f"{link.get('decision', '')} v{link.get('version', '')}".strip(),
                      str(link.get("outcome", "")).replace("_", " "), "", bool(link.get("suspect")))
             for link in entry.get("decisions") or [] if isinstance(link, dict)]
    rows += [TraceRow(section, "Objective", str(link.get("code", "")), str(link.get("title", ""))[:300], "", False)
             for link in entry.get("objectives") or [] if isinstance(link, dict)]
    return rows or [TraceRow(section, "", "", "No trace link (untraced section)", "", False)]


def trace_rows(manifest: Iterable[Any] | None) -> list[TraceRow]:
    """Flatten a version's trace manifest into rows, in the manifest's (frozen) order.

    The manifest version_publish writes is one entry per section with its input_revisions,
    decisions and objectives; a flat list of links, or sections holding "links", are read too.
    """
    rows: list[TraceRow] = []
    for entry in manifest or []:
        if not isinstance(entry, dict):
            continue
        if any(key in entry for key in ("input_revisions", "decisions", "objectives")):
            rows.extend(_published_manifest_rows(entry))
            continue
        links = entry.get("links") or entry.get("trace_links")
        if isinstance(links, list):
            heading = _section_label(entry)
            rows.extend(_trace_row(link, heading) for link in links if isinstance(link, dict))
        else:
            rows.append(_trace_row(entry))
    return rows


def signature_rows(signatures: Sequence[Any]) -> list[SignatureRow]:
    ordered = sorted(signatures, key=lambda s: (s.signed_at, s.pk))
    return [SignatureRow(s.signer_name, s.signer_organization, s.get_meaning_display(), s.signed_at,
                         s.content_sha256, s.comment) for s in ordered]


def stored_html(version: Any) -> str:
    """The version's stored rendered bytes, decoded; the body only if they hold a whole page."""
    text = bytes(version.rendered_html).decode("utf-8")
    match = re.search(r"<body[^>]*>(.*)</body>", text, flags=re.S | re.I)
    return match.group(1) if match else text


def filename(version: Any, fmt: str) -> str:
    return f"{slugify(version.deliverable.title) or 'deliverable'}-v{version.number}.{FORMATS[fmt][1]}"


def _utc_naive(moment: datetime) -> datetime:
    """python-docx takes naive datetimes as UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _context(version: Any, signatures: Sequence[Any]) -> dict[str, Any]:
    deliverable = version.deliverable
    return {
        "version": version,
        "deliverable": deliverable,
        "engagement": deliverable.engagement,
        "published_at": version.published_at.strftime("%Y-%m-%d %H:%M UTC"),
        # For the PDF's metadata (WeasyPrint reads dcterms.created/modified): the frozen moment, not the clock.
        "published_iso": _utc_naive(version.published_at).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "published_by": str(version.published_by),
        "signatures": signature_rows(signatures),
        "trace": trace_rows(version.trace_manifest),
        "stored_sha256": sha256_bytes(bytes(version.rendered_html)),
    }


# --- Markdown ------------------------------------------------------------------------------

def _cell(value: Any) -> str:
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ").strip() or "—"


def export_markdown(version: Any, signatures: Sequence[Any]) -> bytes:
    ctx = _context(version, signatures)
    lines = [
        f"# {ctx['deliverable'].title} — v{version.number}",
        "",
        f"> {ctx['engagement'].name} · published by {ctx['published_by']} on {ctx['published_at']} · "
        f"SHA-256 of the rendered document: `{version.content_sha256}`",
        "",
        version.markdown_source.replace("\r\n", "\n").rstrip("\n"),
        "",
        "---",
        "",
        "## Signatures",
        "",
    ]
    if ctx["signatures"]:
        lines += ["| Signer | Organization | Meaning | Signed (UTC) | SHA-256 signed |",
                  "|---|---|---|---|---|"]
        lines += [f"| {_cell(s.signer)} | {_cell(s.organization)} | {_cell(s.meaning)} | {s.signed_at_utc} | "
                  f"`{s.content_sha256}` |" for s in ctx["signatures"]]
    else:
        lines.append("Not signed.")
    lines += ["", "## Appendix: traceability matrix", ""]
    if ctx["trace"]:
        lines += ["| Section | Source | Reference | Detail | Suspect |", "|---|---|---|---|---|"]
        lines += [f"| {_cell(t.section)} | {_cell(t.kind)} | {_cell(t.reference)} | {_cell(t.detail)} | "
                  f"{'yes' if t.suspect else 'no'} |" for t in ctx["trace"]]
    else:
        lines.append("No trace links were recorded for this version.")
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- HTML and PDF --------------------------------------------------------------------------

def export_html(version: Any, signatures: Sequence[Any], *, for_pdf: bool = False) -> bytes:
    ctx = _context(version, signatures)
    ctx.update(document=mark_safe(stored_html(version)), for_pdf=for_pdf,  # noqa: S308 - stored bytes were sanitised at publish
               pdf_font_css=mark_safe(pdf_font_css()) if for_pdf else "",  # noqa: S308 - our own constant CSS
               pdf_font_family=PDF_FONT_FAMILY)
    return render_to_string("approvals/export.html", ctx).encode("utf-8")


def export_pdf(version: Any, signatures: Sequence[Any]) -> bytes:
    from weasyprint import HTML  # imported lazily: it needs Pango, which only the export path requires

    html = export_html(version, signatures, for_pdf=True).decode("utf-8")
    return HTML(string=html, base_url=None).write_pdf()


# The PDF's typeface ships with Concord (Noto Sans CJK KR, SIL OFL 1.1, subset to Latin + Hangul; see
# apps/deliverables/fonts/OFL.txt) and is embedded in every PDF, so a version renders the same on any host:
# a server without CJK fonts used to show Korean as empty boxes, which made a signed PDF depend on the host.
FONT_DIR = Path(__file__).resolve().parent / "fonts"
PDF_FONT_FAMILY = "Concord Noto Sans KR"
PDF_FONTS = ((400, FONT_DIR / "NotoSansCJKkr-Regular.subset.otf"), (700, FONT_DIR / "NotoSansCJKkr-Bold.subset.otf"))


def pdf_font_css() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{PDF_FONT_FAMILY}"; font-weight: {weight}; src: url("{path.as_uri()}"); }}'
        for weight, path in PDF_FONTS)


# --- DOCX ----------------------------------------------------------------------------------

_INLINE = re.compile(r"(\*\*[^*]+\*\*|__[^_]+__|\*[^*]+\*|_[^_]+_|`[^`]+`)")


def _add_inline(paragraph: Any, text: str) -> None:
    """Bold, italic and code spans; everything else as plain text (no raw HTML is ever interpreted)."""
    for part in _INLINE.split(text):
        if not part:
            continue
        if part.startswith(("**", "__")) and len(part) > 4:
            paragraph.add_run(part[2:-2]).bold = True
        elif part.startswith("`"):
            run = paragraph.add_run(part[1:-1])
            run.font.name = "Courier New"
        elif part.startswith(("*", "_")) and len(part) > 2:
            paragraph.add_run(part[1:-1]).italic = True
        else:
            paragraph.add_run(part)


def _add_markdown(doc: Any, text: str) -> None:
    paragraph_lines: list[str] = []

    def flush() -> None:
        if paragraph_lines:
            _add_inline(doc.add_paragraph(), " ".join(line.strip() for line in paragraph_lines))
            paragraph_lines.clear()

    for line in (text or "").replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if heading := re.match(r"^(#{1,6})\s+(.*)$", stripped):
            flush()
            doc.add_heading(heading.group(2), level=min(len(heading.group(1)) + 1, 9))
        elif item := re.match(r"^[-*+]\s+(.*)$", stripped):
            flush()
            _add_inline(doc.add_paragraph(style="List Bullet"), item.group(1))
        elif item := re.match(r"^\d+[.)]\s+(.*)$", stripped):
            flush()
            _add_inline(doc.add_paragraph(style="List Number"), item.group(1))
        elif stripped.startswith(">"):
            flush()
            _add_inline(doc.add_paragraph(style="Quote"), stripped.lstrip("> "))
        else:
            paragraph_lines.append(stripped)
    flush()


def _table(doc: Any, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text


# Word picks the typeface of Hangul from w:eastAsia, not from the Latin font name; without it a Korean
# document falls back to whatever the reader's Word chooses. Malgun Gothic (맑은 고딕) ships with every Windows and
# Office for Mac; the language tag lets Word apply Korean line breaking.
DOCX_EAST_ASIAN_FONT = "Malgun Gothic"


def _east_asian_font(doc: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for style in doc.styles:
        if getattr(style, "type", None) not in (1, None):  # paragraph styles (WD_STYLE_TYPE.PARAGRAPH == 1)
            continue
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        fonts.set(qn("w:eastAsia"), DOCX_EAST_ASIAN_FONT)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:eastAsia"), "ko-KR")


def export_docx(version: Any, signatures: Sequence[Any]) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK

    ctx = _context(version, signatures)
    doc = Document()
    _east_asian_font(doc)
    props = doc.core_properties
    props.title = f"{ctx['deliverable'].title} v{version.number}"
    props.subject = ctx["engagement"].name
    props.author = props.last_modified_by = ctx["published_by"]
    props.created = props.modified = _utc_naive(version.published_at)
    props.revision = version.number
    doc.add_heading(f"{ctx['deliverable'].title} — v{version.number}", level=0)
    doc.add_paragraph(f"{ctx['engagement'].name} · published by {ctx['published_by']} on {ctx['published_at']}")
    doc.add_paragraph(f"SHA-256 of the rendered document: {version.content_sha256}")
    sections = sorted(version.sections or [], key=lambda s: (s.get("order", 0), str(s.get("heading", ""))))
    if sections:
        for section in sections:
            doc.add_heading(str(section.get("heading", "")), level=1)
            _add_markdown(doc, str(section.get("body", "")))
    else:
        _add_markdown(doc, version.markdown_source)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading("Signatures", level=1)
    if ctx["signatures"]:
        _table(doc, ["Signer", "Organization", "Meaning", "Signed (UTC)", "SHA-256 signed"],
               [[s.signer, s.organization, s.meaning, s.signed_at_utc, s.content_sha256] for s in ctx["signatures"]])
    else:
        doc.add_paragraph("Not signed.")
    doc.add_heading("Appendix: traceability matrix", level=1)
    if ctx["trace"]:
        _table(doc, ["Section", "Source", "Reference", "Detail", "Suspect"],
               [[t.section, t.kind, t.reference, t.detail, "yes" if t.suspect else "no"] for t in ctx["trace"]])
    else:
        doc.add_paragraph("No trace links were recorded for this version.")
    out = io.BytesIO()
    doc.save(out)
    # python-docx dates every ZIP entry with the time of the save; pin them to the version's moment.
    return deterministic_ooxml(out.getvalue(), timestamp=version.published_at)


RENDERERS = {"md": export_markdown, "html": export_html, "pdf": export_pdf, "docx": export_docx}


def export_version(version: Any, signatures: Sequence[Any], fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) for one format; KeyError for an unknown format."""
    content_type, _ext = FORMATS[fmt]
    return RENDERERS[fmt](version, signatures), content_type, filename(version, fmt)
