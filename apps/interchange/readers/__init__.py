"""Reading requirement files into plain records: no Django, no database.

Every reader turns bytes into `Record`s (or raises `ReadError`s that name file, row and column), so
the import service sees one shape whatever the format, and each reader is testable on its own.
"""
from __future__ import annotations

from .records import Issue, ReadError, Record

__all__ = ["FORMATS", "TABULAR", "Issue", "ReadError", "Record", "format_for", "read_records"]

FORMATS = ("csv", "xlsx", "docx", "reqif")
TABULAR = ("csv", "xlsx")


def format_for(filename: str) -> str | None:
    """The import format named by a file's extension (.reqifz is not supported: one XML file)."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return {"csv": "csv", "txt": "csv", "xlsx": "xlsx", "docx": "docx", "reqif": "reqif", "xml": "reqif"}.get(suffix)


def read_records(
    data: bytes, *, fmt: str, file: str, mapping: dict[str, str] | None = None
) -> tuple[list[Record], list[Issue]]:
    """Any supported file → (records, issues of single records). A file that cannot be read raises ReadError."""
    if fmt in TABULAR:
        from .tabular import guess_mapping, read_table, records_from_table

        table = read_table(data, fmt=fmt, file=file)
        return records_from_table(table, mapping if mapping is not None else guess_mapping(table.headers), file=file)
    if fmt == "docx":
        from .docx import read_docx

        return read_docx(data, file=file)
    if fmt == "reqif":
        from .reqif import read_reqif

        return read_reqif(data, file=file)
    raise ReadError([Issue(file, f"Unsupported format {fmt!r}; use one of {', '.join(FORMATS)}.")])
