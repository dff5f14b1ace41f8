"""CSV and XLSX: a header row, then one requirement per row; the columns are mapped by the user.

The mapping says which column holds which field (`{"external_id": "Key", "title": "Summary", ...}`);
`guess_mapping` proposes one from the header names so the common exports need no clicking.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .records import Issue, ReadError, Record

FIELDS = ("external_id", "title", "body", "kind", "priority", "tags")
REQUIRED = ("external_id", "title", "body")
FIELD_LABELS = {
    "external_id": "Identifier", "title": "Title", "body": "Text", "kind": "Kind", "priority": "Priority",
    "tags": "Tags",
}
# Header names seen in Jira, Azure DevOps, DOORS and spreadsheet exports, normalised (lowercase, no punctuation).
_GUESSES = {
    "external_id": ("id", "key", "issuekey", "reqid", "requirementid", "identifier", "externalid", "ref",
                    "reference", "number", "no", "workitemid", "foreignid", "reqifforeignid"),
    "title": ("title", "summary", "name", "heading", "subject", "shorttext", "reqifname"),
    "body": ("body", "text", "description", "requirement", "details", "statement", "content", "reqiftext",
             "requirementtext"),
    "kind": ("kind", "type", "category", "issuetype", "workitemtype"),
    "priority": ("priority", "moscow", "importance"),
    "tags": ("tags", "labels", "label", "keywords", "components"),
}
MAX_COLUMNS = 200


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]  # data rows only; row i is file row i + 2

    def preview(self, n: int = 5) -> list[list[str]]:
        return self.rows[:n]


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def guess_mapping(headers: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    normalised = {_norm(h): h for h in headers if h}
    for fld, names in _GUESSES.items():
        for name in names:
            if name in normalised and normalised[name] not in mapping.values():
                mapping[fld] = normalised[name]
                break
    return mapping


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id typed as 12 in Excel comes back as 12.0
    return str(value).strip()


def _headers(raw: list[str], file: str) -> list[str]:
    headers = [h.strip() for h in raw]
    while headers and not headers[-1]:
        headers.pop()
    issues: list[Issue] = []
    if not any(headers):
        issues.append(Issue(file, "The first row must name the columns; it is empty.", row=1))
    if len(headers) > MAX_COLUMNS:
        issues.append(Issue(file, f"{len(headers)} columns; at most {MAX_COLUMNS} are read.", row=1))
    seen: set[str] = set()
    for h in headers:
        if h and h in seen:
            issues.append(Issue(file, "Two columns have this name; rename one.", row=1, column=h))
        seen.add(h)
    if issues:
        raise ReadError(issues)
    return headers


def read_csv(data: bytes, *, file: str) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError([Issue(file, f"Not UTF-8 text (byte {exc.start}); save the CSV as UTF-8.")]) from exc
    if "\x00" in text:
        raise ReadError([Issue(file, "Contains NUL bytes: this is not a CSV text file.")])
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ReadError([Issue(file, f"Malformed CSV: {exc}.", row=reader.line_num)]) from exc
    if not rows:
        raise ReadError([Issue(file, "The file is empty.")])
    headers = _headers(rows[0], file)
    return Table(headers, [[c.strip() for c in r] for r in rows[1:]])


def read_xlsx(data: bytes, *, file: str, sheet: str | None = None) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        # read_only streams rows instead of building the whole sheet's object graph (10,000 rows stay small).
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ReadError([Issue(file, "Not an Excel workbook (.xlsx) that can be opened.")]) from exc
    try:
        ws = workbook[sheet] if sheet else workbook.worksheets[0]
    except (KeyError, IndexError) as exc:
        raise ReadError([Issue(file, f"No worksheet {sheet!r}." if sheet else "The workbook has no sheet.")]) from exc
    rows_iter: Iterator[tuple] = ws.iter_rows(values_only=True)
    first = next(rows_iter, None)
    if first is None:
        workbook.close()
        raise ReadError([Issue(file, "The first sheet is empty.")])
    headers = _headers([_cell(v) for v in first], file)
    rows = [[_cell(v) for v in r[: len(headers)]] for r in rows_iter]
    workbook.close()
    return Table(headers, rows)


def read_table(data: bytes, *, fmt: str, file: str) -> Table:
    return read_csv(data, file=file) if fmt == "csv" else read_xlsx(data, file=file)


def check_mapping(mapping: dict[str, str], headers: list[str], *, file: str) -> dict[str, str]:
    cleaned = {k: v for k, v in mapping.items() if k in FIELDS and v}
    issues = [Issue(file, f"Choose the column that holds the {FIELD_LABELS[f].lower()}.", column=None)
              for f in REQUIRED if f not in cleaned]
    issues += [Issue(file, f"No column named {col!r} in the header row.", row=1, column=col)
               for col in cleaned.values() if col not in headers]
    if issues:
        raise ReadError(issues)
    return cleaned


def records_from_table(table: Table, mapping: dict[str, str], *, file: str) -> tuple[list[Record], list[Issue]]:
    """Rows → records, and the rows that could not be read. Blank rows are skipped."""
    mapping = check_mapping(mapping, table.headers, file=file)
    index = {fld: table.headers.index(col) for fld, col in mapping.items()}
    records: list[Record] = []
    issues: list[Issue] = []
    for n, row in enumerate(table.rows, start=2):
        if not any(row):
            continue
        values = {fld: (row[i] if i < len(row) else "") for fld, i in index.items()}
        missing = [fld for fld in REQUIRED if not values.get(fld)]
        for fld in missing:
            issues.append(Issue(file, f"The {FIELD_LABELS[fld].lower()} is empty.", row=n, column=mapping[fld]))
        if missing:
            continue
        tags = tuple(t.strip() for t in re.split(r"[,;]", values.get("tags", "")) if t.strip())
        records.append(Record(
            external_id=values["external_id"], title=values["title"], body=values["body"], row=n,
            column_of=dict(mapping), kind=values.get("kind", ""), priority=values.get("priority", ""), tags=tags,
        ))
    return records, issues
