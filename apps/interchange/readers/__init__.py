"""Reading requirement files into plain records: no Django, no database.

Every reader turns bytes into `Record`s (or raises `ReadError`s that name file, row and column), so
the import service sees one shape whatever the format, and each reader is testable on its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field

FORMATS = ("csv", "xlsx", "docx", "reqif")
TABULAR = ("csv", "xlsx")


@dataclass(frozen=True)
class Issue:
    """One problem in an input file, located so a person can find and fix it."""

    file: str
    message: str
    row: int | None = None  # 1-based, counting the header row of a table as row 1
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message,
                "text": str(self)}


class ReadError(Exception):
    """The file cannot be read at all, or some of its records are malformed."""

    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(str(i) for i in issues[:5]))
        self.issues = issues


@dataclass(frozen=True)
class Record:
    """One requirement as found in the file, before any business rule is applied."""

    external_id: str
    title: str
    body: str
    row: int | None  # where it came from (table row, item number) for error messages
    column_of: dict[str, str] = field(default_factory=dict)  # field → column/attribute name, for errors
    kind: str = ""
    priority: str = ""
    tags: tuple[str, ...] = ()


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
