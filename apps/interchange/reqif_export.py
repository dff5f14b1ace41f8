"""A published deliverable version as ReqIF 1.0 (OMG), built with the `reqif` library's model and unparser.

One SPEC-OBJECT per section (ReqIF.Name = heading, ReqIF.Text = the section's Markdown, ReqIF.ForeignID
= Concord's section reference), in one SPECIFICATION that keeps the section order. Identifiers are
stable across versions (`concord-e<engagement>-s<section>`), so importing v2 after v1 revises the
same inputs instead of adding new ones. Timestamps are the version's publication moment, so the same
version always exports to the same bytes.

The text is a STRING attribute holding Markdown, not XHTML: it round-trips exactly through Concord's
import, and tools that expect XHTML still show it as readable text.

`reqif`'s unparser writes attribute values as given (its parser keeps them as written, so files
round-trip byte for byte), so values are XML-escaped here, newlines included.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.utils.text import slugify

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
CONTENT_TYPE = "application/xml; charset=utf-8"


def _esc(value: str) -> str:
    # Drop characters XML 1.0 cannot carry at all (C0 controls other than tab/newline/CR).
    cleaned = "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
    return "".join(_ESCAPES.get(ch, ch) for ch in cleaned)


def reqif_response(version: Any) -> Any:
    from django.http import HttpResponse

    response = HttpResponse(export_reqif(version), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(version)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def filename(version: Any) -> str:
    return f"{slugify(version.deliverable.title) or 'deliverable'}-v{version.number}.reqif"


def export_reqif(version: Any) -> bytes:
    from reqif.models.reqif_core_content import ReqIFCoreContent
    from reqif.models.reqif_data_type import ReqIFDataTypeDefinitionString
    from reqif.models.reqif_namespace_info import ReqIFNamespaceInfo
    from reqif.models.reqif_req_if_content import ReqIFReqIFContent
    from reqif.models.reqif_reqif_header import ReqIFReqIFHeader
    from reqif.models.reqif_spec_hierarchy import ReqIFSpecHierarchy
    from reqif.models.reqif_spec_object import ReqIFSpecObject, SpecObjectAttribute
    from reqif.models.reqif_spec_object_type import ReqIFSpecObjectType, SpecAttributeDefinition
    from reqif.models.reqif_specification import ReqIFSpecification
    from reqif.models.reqif_specification_type import ReqIFSpecificationType
    from reqif.models.reqif_types import SpecObjectAttributeType
    from reqif.object_lookup import ReqIFObjectLookup
    from reqif.reqif_bundle import ReqIFBundle
    from reqif.unparser import ReqIFUnparser

    deliverable = version.deliverable
    engagement_id = deliverable.engagement_id
    moment = version.published_at.isoformat()
    string = SpecObjectAttributeType.STRING
    prefix = f"concord-e{engagement_id}"
    datatype = ReqIFDataTypeDefinitionString(identifier=f"{prefix}-dt-text", last_change=moment,
                                             long_name="Text", max_length="50000")
    definitions = {
        key: SpecAttributeDefinition(attribute_type=string, identifier=f"{prefix}-ad-{key}",
                                     datatype_definition=datatype.identifier, last_change=moment, long_name=name)
        for key, name in (("foreign-id", "ReqIF.ForeignID"), ("name", "ReqIF.Name"), ("text", "ReqIF.Text"))
    }
    object_type = ReqIFSpecObjectType(identifier=f"{prefix}-sot-section", last_change=moment,
                                      long_name="Deliverable section", attribute_definitions=list(definitions.values()))
    spec_type = ReqIFSpecificationType(identifier=f"{prefix}-spt-deliverable", last_change=moment,
                                       long_name="Deliverable version")
    objects: list[ReqIFSpecObject] = []
    children: list[ReqIFSpecHierarchy] = []
    sections = sorted(version.sections or [], key=lambda s: (s.get("order", 0), s.get("section_id") or 0))
    for n, section in enumerate(sections, start=1):
        section_id = section.get("section_id")
        key = f"s{section_id}" if section_id else f"v{version.pk}-{n}"
        heading = section.get("heading", "") or f"Section {n}"
        values = {"foreign-id": f"S-{section_id}" if section_id else f"v{version.number}#{n}",
                  "name": heading, "text": section.get("body", "") or heading}
        objects.append(ReqIFSpecObject(
            identifier=f"{prefix}-{key}", spec_object_type=object_type.identifier, last_change=moment,
            long_name=_esc(heading[:255]),
            attributes=[SpecObjectAttribute(attribute_type=string, definition_ref=definitions[k].identifier,
                                            value=_esc(v)) for k, v in values.items()],
        ))
        children.append(ReqIFSpecHierarchy(identifier=f"{prefix}-h-v{version.pk}-{key}",
                                           spec_object=f"{prefix}-{key}", level=1, last_change=moment))
    title = _esc(f"{deliverable.title} v{version.number}")
    specification = ReqIFSpecification(identifier=f"{prefix}-spec-v{version.pk}", last_change=moment,
                                       long_name=title, specification_type=spec_type.identifier,
                                       children=children or None)
    content = ReqIFReqIFContent(data_types=[datatype], spec_types=[object_type, spec_type], spec_objects=objects,
                                specifications=[specification])
    header = ReqIFReqIFHeader(
        identifier=f"{prefix}-header-v{version.pk}", creation_time=moment, req_if_tool_id="Concord",
        req_if_version="1.0", source_tool_id="Concord", title=title,
        comment=_esc(f"Published version {version.number}; content SHA-256 {version.content_sha256}"),
    )
    bundle = ReqIFBundle(namespace_info=ReqIFNamespaceInfo.create_default(), req_if_header=header,
                         core_content=ReqIFCoreContent(req_if_content=content), tool_extensions_tag_exists=False,
                         lookup=ReqIFObjectLookup.empty(), exceptions=[])
    return ReqIFUnparser.unparse(bundle).encode("utf-8")


@cache
def _schema() -> Any:
    import reqif
    import xmlschema

    # The reqif wheel ships the OMG XSD with local copies of the XHTML modules it imports: no download.
    return xmlschema.XMLSchema(str(Path(reqif.__file__).parent / "reqif_schema" / "reqif.xsd"))


def reqif_schema_errors(xml: bytes) -> list[str]:
    """Every way the document breaks the ReqIF 1.0 XSD (empty: valid)."""
    import io

    return [f"{e.path}: {e.reason}" for e in _schema().iter_errors(io.BytesIO(xml))]
