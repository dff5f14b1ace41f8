"""Section-by-section comparison of two frozen versions (pure: works on the versions' JSON)."""
from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from apps.core.diff import DiffRow, diff_rows


@dataclass(frozen=True)
class SectionDiff:
    state: str  # "same" | "changed" | "renamed" | "added" | "removed"
    old_heading: str
    new_heading: str
    rows: list[DiffRow]
    old_body: str = ""
    new_body: str = ""

    @property
    def heading(self) -> str:
        return self.new_heading or self.old_heading


# How alike two bodies must be (difflib ratio) for a section that vanished and one that appeared to be read
# as one section renamed: rewording a heading and a sentence is a rename, a new section about something
# else is not.
RENAME_SIMILARITY = 0.6


def _key(section: dict[str, Any]) -> Any:
    sid = section.get("section_id")
    return ("id", sid) if sid is not None else ("h", section.get("heading"))


def _alike(a: str, b: str) -> float:
    if a == b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() >= RENAME_SIMILARITY else 0.0


def pair_sections(old: list[dict[str, Any]], new: list[dict[str, Any]]
                  ) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """(old, new) pairs in the newer version's order, removed ones last.

    Sections pair by their draft identity (section_id; by heading in versions that predate it). What is
    left unpaired on both sides pairs by text: a section deleted and re-created under a new heading (or
    re-started from a decision) is shown as renamed, not as one removed and one added."""
    old_by_key = {_key(s): s for s in old}
    paired: dict[int, dict[str, Any]] = {}  # index in new → old section
    used: set[Any] = set()
    for k, section in enumerate(new):
        before = old_by_key.get(_key(section))
        if before is not None and _key(section) not in used:
            paired[k] = before
            used.add(_key(section))
    left_old = [s for s in old if _key(s) not in used]
    left_new = [k for k in range(len(new)) if k not in paired]
    scored = sorted(((_alike(o.get("body", ""), new[k].get("body", "")), -k, -j, j, k)
                     for j, o in enumerate(left_old) for k in left_new), reverse=True)
    taken_old: set[int] = set()
    for score, _nk, _nj, j, k in scored:
        if score < RENAME_SIMILARITY:
            break
        if j in taken_old or k in paired:
            continue
        paired[k] = left_old[j]
        taken_old.add(j)
        used.add(_key(left_old[j]))
    pairs: list[tuple[dict[str, Any] | None, dict[str, Any] | None]] = [
        (paired.get(k), section) for k, section in enumerate(new)]
    pairs += [(s, None) for s in old if _key(s) not in used]
    return pairs


def pair_state(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """same | changed | renamed (heading only, or re-created under a new heading) | added | removed."""
    if before is None:
        return "added"
    if after is None:
        return "removed"
    same_body = before.get("body", "") == after.get("body", "")
    if before.get("heading") == after.get("heading"):
        return "same" if same_body else "changed"
    return "renamed" if same_body or _key(before) != _key(after) else "changed"


def compare_sections(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[SectionDiff]:
    """Section by section, in the newer version's order, removed ones last (see pair_sections)."""
    result: list[SectionDiff] = []
    for before, after in pair_sections(old, new):
        old_body = (before or {}).get("body", "")
        new_body = (after or {}).get("body", "")
        result.append(SectionDiff(pair_state(before, after), (before or {}).get("heading", ""),
                                  (after or {}).get("heading", ""), diff_rows(old_body, new_body),
                                  old_body=old_body, new_body=new_body))
    return result
