"""Section-by-section comparison of two frozen versions (pure: works on the versions' JSON)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.core.diff import DiffRow, diff_rows


@dataclass(frozen=True)
class SectionDiff:
    state: str  # "same" | "changed" | "added" | "removed"
    old_heading: str
    new_heading: str
    rows: list[DiffRow]
    old_body: str = ""
    new_body: str = ""

    @property
    def heading(self) -> str:
        return self.new_heading or self.old_heading


def compare_sections(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[SectionDiff]:
    """Pair sections by their draft identity (section_id), in the newer version's order; removed ones last."""
    old_by_id = {s.get("section_id"): s for s in old}
    result: list[SectionDiff] = []
    seen: set[Any] = set()
    for section in new:
        key = section.get("section_id")
        before = old_by_id.get(key)
        if before is None:
            result.append(SectionDiff("added", "", section["heading"], diff_rows("", section.get("body", "")),
                                      new_body=section.get("body", "")))
            continue
        seen.add(key)
        same = before.get("body", "") == section.get("body", "") and before["heading"] == section["heading"]
        result.append(SectionDiff("same" if same else "changed", before["heading"], section["heading"],
                                  diff_rows(before.get("body", ""), section.get("body", "")),
                                  old_body=before.get("body", ""), new_body=section.get("body", "")))
    for section in old:
        if section.get("section_id") not in seen:
            result.append(SectionDiff("removed", section["heading"], "", diff_rows(section.get("body", ""), ""),
                                      old_body=section.get("body", "")))
    return result
