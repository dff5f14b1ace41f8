"""ReqIF (OMG Requirements Interchange Format) through the `reqif` library: one record per SPEC-OBJECT.

A record is identified by its SPEC-OBJECT IDENTIFIER, which the standard makes globally unique and
stable across exports (ReqIF.ForeignID, a tool's own number such as a DOORS absolute number, is not
unique across modules). Title and text are read from the attribute definitions' LONG-NAMEs, using
the names the ReqIF Implementation Guide recommends (ReqIF.Name / ReqIF.ChapterName, ReqIF.Text).

`reqif` keeps attribute values exactly as they are written in the XML (entities included, so a file
round-trips byte for byte), so STRING values are unescaped here; XHTML values are turned into text.
"""
from __future__ import annotations

import html
import re
from typing import Any

from .records import Issue, ReadError, Record

TITLE_NAMES = ("reqif.name", "reqif.chaptername", "title", "name", "heading", "summary")
BODY_NAMES = ("reqif.text", "text", "description", "body")
TITLE_MAX = 200
_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br"}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _xhtml_text(node: Any) -> str:
    """An ATTRIBUTE-VALUE-XHTML node → plain text, one line per block element."""
    if node is None:
        return ""
    value = next((c for c in node if _local(c.tag) == "the-value"), node)
    lines: list[str] = []
    current: list[str] = []

    def walk(el: Any) -> None:
        if _local(el.tag) in _BLOCKS and current:
            lines.append("".join(current))
            current.clear()
        current.append(el.text or "")
        for child in el:
            walk(child)
            current.append(child.tail or "")
        if _local(el.tag) in _BLOCKS:
            lines.append("".join(current))
            current.clear()

    for child in value:
        walk(child)
    if current:
        lines.append("".join(current))
    cleaned = [re.sub(r"\s+", " ", line).strip() for line in lines]
    return "\n\n".join(line for line in cleaned if line)


def _value(attribute: Any) -> str:
    from reqif.models.reqif_types import SpecObjectAttributeType

    if attribute.attribute_type == SpecObjectAttributeType.XHTML:
        return _xhtml_text(attribute.xml_node)
    if isinstance(attribute.value, list):
        return ", ".join(str(v) for v in attribute.value)
    return html.unescape(str(attribute.value or "")).strip()


def _pick(values: dict[str, str], names: tuple[str, ...]) -> tuple[str, str] | None:
    for name in names:
        for key, value in values.items():
            if key.lower() == name and value:
                return key, value
    return None


def read_reqif(data: bytes, *, file: str) -> tuple[list[Record], list[Issue]]:
    from reqif.parser import ReqIFParser

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError([Issue(file, f"Not UTF-8 XML (byte {exc.start}).")]) from exc
    # ReqIF needs no DTD; refusing one rules out entity expansion and external entities (XXE) up front.
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise ReadError([Issue(file, "DOCTYPE and ENTITY declarations are not allowed in a ReqIF file.")])
    try:
        bundle = ReqIFParser.parse_from_string(text.lstrip())
    except Exception as exc:  # noqa: BLE001 - the library raises assorted errors on malformed files
        raise ReadError([Issue(file, f"Not a ReqIF file that can be read: {str(exc)[:300] or type(exc).__name__}.")]
                        ) from exc
    content = bundle.core_content.req_if_content if bundle.core_content else None
    if content is None or not content.spec_objects:
        raise ReadError([Issue(file, "The ReqIF file has no SPEC-OBJECTS (no requirements).")])

    # Attribute definition id → its LONG-NAME, over every SPEC-OBJECT-TYPE.
    names: dict[str, str] = {}
    for spec_type in content.spec_types or []:
        for definition in getattr(spec_type, "attribute_definitions", None) or []:
            names[definition.identifier] = html.unescape(definition.long_name or definition.identifier)

    order = {obj_id: n for n, obj_id in enumerate(_hierarchy_order(bundle, content))}
    objects = sorted(content.spec_objects, key=lambda o: order.get(o.identifier, len(order)))
    records: list[Record] = []
    issues: list[Issue] = []
    for n, obj in enumerate(objects, start=1):
        values = {names.get(a.definition_ref, a.definition_ref): _value(a) for a in obj.attributes}
        title = _pick(values, TITLE_NAMES)
        body = _pick(values, BODY_NAMES)
        external_id = obj.identifier
        if body is None:
            issues.append(Issue(file, f"SPEC-OBJECT {obj.identifier} has no ReqIF.Text (or Text/Description) value.",
                                row=n, column="ReqIF.Text"))
            continue
        title_text = title[1] if title else html.unescape(obj.long_name or "") or body[1].split("\n", 1)[0]
        records.append(Record(
            external_id=external_id, title=title_text[:TITLE_MAX], body=body[1], row=n,
            column_of={"external_id": "IDENTIFIER",
                       "title": title[0] if title else "LONG-NAME", "body": body[0]},
        ))
    return records, issues


def _hierarchy_order(bundle: Any, content: Any) -> list[str]:
    """SPEC-OBJECT ids in document order (the specifications' hierarchy), so inputs keep the file's order."""
    ordered: list[str] = []
    for specification in content.specifications or []:
        try:
            ordered += [h.spec_object for h in bundle.iterate_specification_hierarchy(specification)]
        except (AssertionError, AttributeError, TypeError):
            continue
    return ordered
