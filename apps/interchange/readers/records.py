"""The one shape every reader produces: records, and issues located in the file.

Its own module so the readers (`tabular`, `docx`, `reqif`) and the package that dispatches to them
import these types from below, not from each other: no import cycle inside `readers`.
"""
from __future__ import annotations

from dataclasses import dataclass, field


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
