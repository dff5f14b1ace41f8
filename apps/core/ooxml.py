"""Byte-identical Office Open XML (DOCX, XLSX) files for the same content.

python-docx and openpyxl write a ZIP whose entries carry the wall-clock time of the save, and openpyxl
also stamps docProps/core.xml with "modified = now" at every save. Rewriting the package with one
fixed timestamp, a canonical entry order and fixed entry attributes makes the bytes depend on the
content alone, so the same published version (or the same matrix) always downloads as the same file.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile

from lxml import etree

CORE_PART = "docProps/core.xml"
CONTENT_TYPES_PART = "[Content_Types].xml"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
# The earliest date a ZIP entry can hold; used when the content has no moment of its own.
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


def _utc(moment: dt.datetime) -> dt.datetime:
    # Naive datetimes are taken as UTC, as python-docx and openpyxl do for core properties.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _core_xml(xml: bytes, timestamp: dt.datetime | None) -> bytes:
    """core.xml with created and modified set to `timestamp` (W3CDTF, whole seconds), or both left out."""
    root = etree.fromstring(xml)
    for name in ("created", "modified"):
        for old in root.findall(f"{{{_DCTERMS}}}{name}"):
            root.remove(old)
        if timestamp is not None:
            element = etree.SubElement(root, f"{{{_DCTERMS}}}{name}")
            element.set(f"{{{_XSI}}}type", "dcterms:W3CDTF")
            element.text = _utc(timestamp).strftime("%Y-%m-%dT%H:%M:%SZ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _entry_order(name: str) -> tuple[bool, str]:
    # [Content_Types].xml first, as Office writes it and as some readers expect; the rest by name.
    return (name != CONTENT_TYPES_PART, name)


def deterministic_ooxml(data: bytes, *, timestamp: dt.datetime | None) -> bytes:
    """Rewrite a DOCX/XLSX package so that its bytes depend only on its parts and `timestamp`.

    `timestamp` becomes the document's created/modified core properties and every entry's date;
    None (content with no moment of its own, like a live matrix) drops created/modified and dates
    the entries at the ZIP epoch rather than inventing a time.
    """
    moment = max(_utc(timestamp), ZIP_EPOCH) if timestamp is not None else ZIP_EPOCH
    date_time = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in sorted(source.namelist(), key=_entry_order):
            content = source.read(name)
            if name == CORE_PART:
                content = _core_xml(content, timestamp)
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # otherwise the host OS is recorded, and bytes differ between machines
            info.external_attr = 0
            target.writestr(info, content)
    return out.getvalue()
