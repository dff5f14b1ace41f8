"""DOCX: one requirement per heading (with the text under it) or per numbered item.

mammoth reads the Word document (styles → semantic HTML: h1–h6, p, ol/ul, strong/em, tables); we then
write Markdown from that structure ourselves. mammoth's own Markdown writer is deprecated upstream and
backslash-escapes every period and hyphen ("99\\.9 %"), which would end up in the stored text and in
what detection compares.

Identifiers, so a re-import finds the same input again:
- a heading or item that starts with an identifier ("REQ-7 Availability", "3.2 Uptime", "SEC-1: …")
  keeps it ("REQ-7");
- otherwise a heading is identified by its path of headings ("security/retention"), and a numbered
  item by its heading's path and its number ("security/retention#2"), so editing the text of an item
  makes a new revision of the same input rather than a new input.
"""
from __future__ import annotations

import io
import re
import zipfile

from lxml import html as lxml_html

from .records import Issue, ReadError, Record

_ID = re.compile(r"^\s*((?:[A-Za-z][A-Za-z0-9]*[-_])+\d+(?:\.\d+)*|\d+(?:\.\d+)+)\s*[:.)\-–—]?\s+(?=\S)")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
TITLE_MAX = 200


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "untitled"


def _inline(node) -> str:
    """Inline HTML → Markdown: bold, italics, links, line breaks; text otherwise."""
    parts: list[str] = [node.text or ""]
    for child in node:
        inner = _inline(child)
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("strong", "b") and inner.strip():
            parts.append(f"**{inner.strip()}**")
        elif tag in ("em", "i") and inner.strip():
            parts.append(f"*{inner.strip()}*")
        elif tag == "a" and child.get("href", "").startswith(("http://", "https://", "mailto:")):
            parts.append(f"[{inner}]({child.get('href')})")
        elif tag == "br":
            parts.append("\n")
        elif tag in ("ol", "ul"):
            parts.append("\n" + _block(child).rstrip())
        else:
            parts.append(inner)
        parts.append(child.tail or "")
    return "".join(parts)


def _block(node) -> str:
    """A block element → Markdown text (paragraph, list, table as lines)."""
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag in ("ul", "ol"):
        lines = []
        for n, li in enumerate(node.findall("li"), start=1):
            marker = f"{n}." if tag == "ol" else "-"
            text = _inline(li).strip().replace("\n", "\n   ")
            lines.append(f"{marker} {text}")
        return "\n".join(lines) + "\n"
    if tag == "table":
        rows = [" | ".join(_inline(c).strip() for c in tr.findall("./*")) for tr in node.iter("tr")]
        return "\n".join(r for r in rows if r.strip()) + "\n"
    return _inline(node).strip() + "\n"


def _title(text: str) -> str:
    """An item's title: its first sentence (or clause before a colon), cut at a word boundary."""
    first = re.split(r"(?<=[.!?])\s|:\s", text.strip(), maxsplit=1)[0].strip()
    first = re.sub(r"[*_]{1,2}", "", first)
    if len(first) > 120:
        first = first[:117].rsplit(" ", 1)[0] + "…"
    return first or text[:120]


def _split_id(text: str) -> tuple[str | None, str]:
    match = _ID.match(text)
    if match:
        return match.group(1), text[match.end():].strip()
    return None, text.strip()


def read_docx(data: bytes, *, file: str) -> tuple[list[Record], list[Issue]]:
    import mammoth

    try:
        result = mammoth.convert_to_html(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError([Issue(file, "Not a Word document (.docx) that can be opened.")]) from exc
    html = result.value.strip()
    if not html:
        raise ReadError([Issue(file, "The document has no text.")])
    root = lxml_html.fragment_fromstring(html, create_parent="div")

    records: list[Record] = []
    seen: dict[str, int] = {}
    path: list[tuple[int, str]] = []  # (level, slug) of the headings above
    heading: dict[str, object] | None = None  # {"id", "title", "level", "body": [..], "n": paragraph number}
    items = 0
    position = 0  # paragraph count, shown as the "row" in error messages

    def add(external_id: str, title: str, body: str, where: int) -> None:
        if external_id in seen:  # the same heading twice under the same parent: number them
            seen[external_id] += 1
            external_id = f"{external_id}~{seen[external_id]}"
        else:
            seen[external_id] = 1
        records.append(Record(external_id=external_id, title=title[:TITLE_MAX], body=body.strip(), row=where,
                              column_of={"external_id": "heading", "title": "heading", "body": "text"}))

    def close_heading() -> None:
        if heading and "".join(heading["body"]).strip():  # type: ignore[arg-type]
            add(str(heading["id"]), str(heading["title"]), "\n".join(heading["body"]), int(heading["n"]))  # type: ignore[arg-type]

    for node in root:
        position += 1
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _HEADINGS:
            close_heading()
            level = int(tag[1])
            text = re.sub(r"\s+", " ", node.text_content()).strip()
            if not text:
                heading = None
                continue
            explicit, title = _split_id(text)
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, _slug(title)))
            heading_id = explicit or "/".join(slug for _, slug in path)
            heading = {"id": heading_id, "title": title or text, "level": level, "body": [], "n": position}
            items = 0
        elif tag == "ol":
            for li in node.findall("li"):
                items += 1
                text = _inline(li).strip()
                if not text:
                    continue
                explicit, rest = _split_id(text)
                parent = str(heading["id"]) if heading else "document"
                add(explicit or f"{parent}#{items}", _title(rest or text), rest or text, position)
        else:
            block = _block(node)
            if not block.strip():
                continue
            if heading is None:
                heading = {"id": "document", "title": _title(block), "level": 0, "body": [], "n": position}
            heading["body"].append(block)  # type: ignore[union-attr]
    close_heading()
    if not records:
        raise ReadError([Issue(file, "No requirement found: use headings, or a numbered list, one per requirement.")])
    return records, []
