"""The OOXML rewrite that makes DOCX/XLSX exports byte-identical for the same content."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

from apps.core.ooxml import deterministic_ooxml

CORE = (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>"
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        b'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        b'<dcterms:modified xsi:type="dcterms:W3CDTF">2031-05-06T07:08:09Z</dcterms:modified></cp:coreProperties>')


def _package(order: list[str], when: tuple[int, ...]) -> bytes:
    parts = {"[Content_Types].xml": b"<Types/>", "docProps/core.xml": CORE, "word/document.xml": b"<w/>",
             "_rels/.rels": b"<r/>"}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in order:
            z.writestr(zipfile.ZipInfo(name, date_time=when), parts[name])
    return out.getvalue()


def test_the_same_parts_saved_at_other_times_and_in_another_order_give_the_same_bytes():
    one = _package(["word/document.xml", "[Content_Types].xml", "_rels/.rels", "docProps/core.xml"],
                   (2030, 1, 2, 3, 4, 6))
    two = _package(["_rels/.rels", "docProps/core.xml", "[Content_Types].xml", "word/document.xml"],
                   (2031, 9, 9, 9, 9, 10))
    moment = dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC)
    assert deterministic_ooxml(one, timestamp=moment) == deterministic_ooxml(two, timestamp=moment)
    with zipfile.ZipFile(io.BytesIO(deterministic_ooxml(one, timestamp=moment))) as z:
        assert z.namelist() == ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "word/document.xml"]
        assert {i.date_time for i in z.infolist()} == {(2026, 3, 4, 5, 6, 6)}
        core = z.read("docProps/core.xml").decode()
        assert z.read("word/document.xml") == b"<w/>"
    assert ">2026-03-04T05:06:07Z</dcterms:created>" in core and ">2026-03-04T05:06:07Z</dcterms:modified>" in core
    assert "2031" not in core


def test_without_a_timestamp_no_date_is_claimed():
    data = deterministic_ooxml(_package(["[Content_Types].xml", "docProps/core.xml"], (2030, 1, 1, 0, 0, 0)),
                               timestamp=None)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "dcterms:modified" not in core and "dcterms:created" not in core
