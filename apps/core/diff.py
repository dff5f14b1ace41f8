"""Readable text diffs: line-level alignment, word-level highlights inside changed lines.

Pure functions over strings; the templates only lay the rows out.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from html import escape

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class DiffRow:
    kind: str  # "equal" | "insert" | "delete" | "replace"
    old_html: str
    new_html: str


def _words(line: str) -> list[str]:
    return _TOKEN.findall(line)


def _inline(old: str, new: str) -> tuple[str, str]:
    a, b = _words(old), _words(new)
    out_a: list[str] = []
    out_b: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_part, new_part = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            out_a.append(old_part)
            out_b.append(new_part)
            continue
        if old_part:
            out_a.append(f"<del>{old_part}</del>")
        if new_part:
            out_b.append(f"<ins>{new_part}</ins>")
    return "".join(out_a), "".join(out_b)


def diff_rows(old: str, new: str) -> list[DiffRow]:
    old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows.extend(DiffRow("equal", escape(line), escape(line)) for line in old_lines[i1:i2])
        elif op == "delete":
            rows.extend(DiffRow("delete", f"<del>{escape(line)}</del>", "") for line in old_lines[i1:i2])
        elif op == "insert":
            rows.extend(DiffRow("insert", "", f"<ins>{escape(line)}</ins>") for line in new_lines[j1:j2])
        else:
            olds, news = old_lines[i1:i2], new_lines[j1:j2]
            for k in range(max(len(olds), len(news))):
                o = olds[k] if k < len(olds) else None
                n = news[k] if k < len(news) else None
                if o is not None and n is not None:
                    rows.append(DiffRow("replace", *_inline(o, n)))
                elif o is not None:
                    rows.append(DiffRow("delete", f"<del>{escape(o)}</del>", ""))
                else:
                    rows.append(DiffRow("insert", "", f"<ins>{escape(n or '')}</ins>"))
    return rows


def unified_diff(old: str, new: str, *, old_label: str, new_label: str) -> str:
    return "".join(
        difflib.unified_diff(
            (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True), old_label, new_label
        )
    )
