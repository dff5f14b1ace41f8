"""Split Markdown into statements (sentences and list items) with spans into the original string."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Statement:
    """One atomic sentence or list item. ``markdown[start:end]`` is where it came from."""

    key: str
    text: str
    start: int
    end: int
    meta: Mapping[str, str] = field(default_factory=lambda: _EMPTY, compare=False, hash=False)


_FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_SETEXT_RE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE_RE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_ITEM_RE = re.compile(r"^(\s*(?:>\s*)*)([-*+]|\d{1,3}[.)])\s+(\[[ xX]\]\s+)?")
_QUOTE_RE = re.compile(r"^(\s*>\s?)+")
_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_ABBREV = {"e.g", "i.e", "etc", "vs", "cf", "approx", "incl", "no", "nr", "mr", "mrs", "ms", "dr", "st",
           "fig", "min", "max", "p.a", "ca", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
           "sept", "oct", "nov", "dec", "inc", "ltd", "co", "corp"}
# a sentence ends before a capital, a digit or a Hangul syllable ("… 보관한다. 로그는 …")
_SENT_END_RE = re.compile(r"([.!?]+)([\"'”’)\]]*)(\s+)(?=[\"'“‘(\[*_`]*[A-Z0-9\uac00-\ud7a3])")
_INLINE_MARKUP_RE = re.compile(r"(\*\*|__|~~|`)")
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPH_RE = re.compile(r"(?<![\w*])[*_](?=\S)([^*_\n]+?)(?<=\S)[*_](?![\w*])")
_WORD_RE = re.compile(r"[^\W_]")  # a letter or digit of any script: Korean statements count, and text in a
# language detection cannot read still becomes statements, so the product can say it was not checked
_UNSPACED_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")  # kana and Han: scripts written without spaces


def clean_inline(text: str) -> str:
    """Remove inline Markdown markup, keeping the words."""
    text = _LINK_RE.sub(r"\1", text)
    text = _INLINE_MARKUP_RE.sub("", text)
    text = _EMPH_RE.sub(r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _sentences(block: str, offset: int) -> list[tuple[int, int]]:
    """Sentence spans (absolute) inside one block of text."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END_RE.finditer(block):
        before = block[start:m.start()].rsplit(None, 1)
        last_word = before[-1].lower().rstrip(".") if before else ""
        if m.group(1) == "." and (last_word in _ABBREV or len(last_word) == 1 and last_word.isalpha()):
            continue
        end = m.end(2)
        spans.append((start, end))
        start = m.end()
    spans.append((start, len(block)))
    out = []
    for s, e in spans:
        seg = block[s:e]
        ls = len(seg) - len(seg.lstrip())
        rs = len(seg.rstrip())
        if rs > ls:
            out.append((offset + s + ls, offset + s + rs))
    return out


def _blocks(markdown: str) -> list[tuple[int, int]]:  # noqa: C901 - one pass over the lines
    """Spans of paragraphs, list items and table rows, with headings, rules and code skipped."""
    blocks: list[tuple[int, int, bool]] = []  # (start, end, is_table_row)
    lines = markdown.splitlines(keepends=True)
    pos = 0
    fence: str | None = None
    cur: list[int] | None = None  # [start, end] of the open block
    cur_is_item = False

    def close() -> None:
        nonlocal cur
        if cur is not None and cur[1] > cur[0]:
            blocks.append((cur[0], cur[1], False))
        cur = None

    for raw in lines:
        line_start = pos
        pos += len(raw)
        line = raw.rstrip("\r\n")
        line_end = line_start + len(line)
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        fm = _FENCE_RE.match(line)
        if fm:
            close()
            fence = fm.group(1)[:3]
            continue
        if not line.strip():
            close()
            continue
        if _SETEXT_RE.match(line) and cur is not None and not cur_is_item:
            # the open paragraph was a setext heading: drop it
            cur = None
            continue
        if _TABLE_SEP_RE.match(line) and blocks and blocks[-1][2]:
            blocks.pop()  # the row above a separator is the table header
            continue
        if _HEADING_RE.match(line) or _RULE_RE.match(line) or _TABLE_SEP_RE.match(line):
            close()
            continue
        if line.startswith("    ") and cur is None:
            continue  # indented code block
        if line.lstrip().startswith("|"):
            close()
            inner_start = line_start + line.index("|") + 1
            inner_end = line_start + len(line.rstrip().rstrip("|"))
            if inner_end > inner_start:
                blocks.append((inner_start, inner_end, True))
            continue
        im = _ITEM_RE.match(line)
        if im:
            close()
            cur = [line_start + im.end(), line_end]
            cur_is_item = True
            continue
        qm = _QUOTE_RE.match(line)
        content_start = line_start + (qm.end() if qm else 0)
        if cur is None:
            cur = [content_start, line_end]
            cur_is_item = False
        else:
            cur[1] = line_end
    close()
    return [(s, e) for s, e, _ in blocks]


def split_statements(markdown: str, *, key_prefix: str = "") -> list[Statement]:
    """Sentences and list items of ``markdown``.

    ``start``/``end`` index the original string; ``text`` is that slice with inline markup removed
    and whitespace collapsed. Keys are ``f"{key_prefix}{n}"`` with n counting from 1.
    """
    out: list[Statement] = []
    for b_start, b_end in _blocks(markdown):
        block = markdown[b_start:b_end]
        for s, e in _sentences(block, b_start):
            text = clean_inline(markdown[s:e])
            if "|" in markdown[s:e]:
                text = re.sub(r"\s*\|\s*", "; ", text).strip("; ")
            if len(_WORD_RE.findall(text)) < 3 or (len(text.split()) < 2 and not _UNSPACED_RE.search(text)):
                continue
            out.append(Statement(key=f"{key_prefix}{len(out) + 1}", text=text, start=s, end=e))
    return out
