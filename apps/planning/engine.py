"""Plan arithmetic as plain functions over plain data: dependency cycles, the critical path, and the diff
between two plan versions in plain words. No Django here, so all of it is testable without a database.
"""
from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PlanItem:
    """One active work item as a plan version froze it."""

    id: int
    code: str
    title: str
    objective: str  # objective code
    objective_title: str
    workstream: str
    start: dt.date
    end: dt.date
    position: int
    depends_on: tuple[int, ...] = ()
    status: str = "planned"

    @property
    def duration(self) -> int:
        return (self.end - self.start).days + 1

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "code": self.code, "title": self.title, "objective": self.objective,
                "objective_title": self.objective_title, "workstream": self.workstream,
                "start": self.start.isoformat(), "end": self.end.isoformat(), "position": self.position,
                "depends_on": list(self.depends_on), "status": self.status}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanItem:
        return cls(id=int(data["id"]), code=str(data["code"]), title=str(data["title"]),
                   objective=str(data["objective"]), objective_title=str(data.get("objective_title", "")),
                   workstream=str(data.get("workstream", "")), start=dt.date.fromisoformat(data["start"]),
                   end=dt.date.fromisoformat(data["end"]), position=int(data.get("position", 0)),
                   depends_on=tuple(int(d) for d in data.get("depends_on", [])),
                   status=str(data.get("status", "planned")))


def items_from_snapshot(snapshot: Iterable[Mapping[str, Any]]) -> list[PlanItem]:
    return [PlanItem.from_json(entry) for entry in snapshot]


def sequences(items: Iterable[PlanItem]) -> dict[str, list[PlanItem]]:
    """objective code → its items in sequence order (objectives in code order)."""
    by_objective: dict[str, list[PlanItem]] = {}
    for item in sorted(items, key=lambda i: (i.objective, i.position, i.id)):
        by_objective.setdefault(item.objective, []).append(item)
    return by_objective


# --- dependency cycles -----------------------------------------------------------------------------------

def find_cycle(edges: Mapping[Any, Iterable[Any]]) -> list[Any] | None:
    """A dependency cycle as a closed path [a, b, …, a], or None. `edges[x]` are the nodes x depends on."""
    white, grey, black = 0, 1, 2
    colour: dict[Any, int] = {}
    for root in sorted(edges, key=str):
        if colour.get(root, white) != white:
            continue
        stack: list[tuple[Any, list[Any]]] = [(root, sorted(edges.get(root, ()), key=str))]
        path = [root]
        colour[root] = grey
        while stack:
            node, todo = stack[-1]
            if not todo:
                colour[node] = black
                stack.pop()
                path.pop()
                continue
            nxt = todo.pop(0)
            state = colour.get(nxt, white)
            if state == grey:
                return [*path[path.index(nxt):], nxt]
            if state == white:
                colour[nxt] = grey
                path.append(nxt)
                stack.append((nxt, sorted(edges.get(nxt, ()), key=str)))
    return None


# --- critical path ------------------------------------------------------------------------------------------

@dataclass
class CriticalPath:
    items: set[int] = field(default_factory=set)
    edges: set[tuple[int, int]] = field(default_factory=set)  # (dependency id, dependent id)
    finish: dt.date | None = None

    def ordered(self, items: Sequence[PlanItem]) -> list[PlanItem]:
        """The critical items in the order the work runs."""
        return sorted((i for i in items if i.id in self.items), key=lambda i: (i.start, i.end, i.code))


def critical_path(items: Sequence[PlanItem]) -> CriticalPath:
    """The chain of work that decides when the plan ends.

    It starts at the item(s) finishing last and walks back through dependencies, at each step to the
    dependency that finishes last (the one holding the next item back; ties keep both). Planned dates are
    taken as the PMO set them, so a weekend or a buffer between two linked items does not break the chain,
    as it would in a pure zero-slack computation. Dependencies on items outside `items` (dropped) are ignored.
    """
    path = CriticalPath()
    if not items:
        return path
    by_id = {i.id: i for i in items}
    deps = {i.id: [d for d in i.depends_on if d in by_id] for i in items}
    if find_cycle(deps):
        raise ValueError("the plan has a dependency cycle")
    path.finish = max(i.end for i in items)
    todo = [i.id for i in items if i.end == path.finish]
    while todo:
        node = todo.pop()
        if node in path.items:
            continue
        path.items.add(node)
        if deps[node]:
            latest = max(by_id[d].end for d in deps[node])
            for d in deps[node]:
                if by_id[d].end == latest:
                    path.edges.add((d, node))
                    todo.append(d)
    return path


def date_warnings(items: Sequence[PlanItem]) -> list[str]:
    """Items planned to start before something they depend on ends (allowed, but worth a look)."""
    by_id = {i.id: i for i in items}
    warnings = []
    for item in sorted(items, key=lambda i: (i.objective, i.position, i.id)):
        for dep_id in item.depends_on:
            dep = by_id.get(dep_id)
            if dep is not None and item.start <= dep.end:
                warnings.append(f"{item.code} starts {format_day(item.start)}, before {dep.code} (which it depends "
                                f"on) ends {format_day(dep.end)}.")
    return warnings


# --- the diff in plain words -----------------------------------------------------------------------------

def format_day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def format_span(start: dt.date, end: dt.date) -> str:
    if start.year == end.year:
        head = f"{start.day} {start:%b}" if start.month != end.month else f"{start.day}"
        return f"{head}–{format_day(end)}"
    return f"{format_day(start)}–{format_day(end)}"


def _codes(ids: Iterable[int], by_id: Mapping[int, PlanItem]) -> str:
    names = [by_id[i].code for i in ids if i in by_id]
    return _and(sorted(names))


def _and(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _reorder_sentences(old: list[int], new: list[int], by_id: Mapping[int, PlanItem]) -> list[str]:
    if old == new:
        return []
    differing = [k for k, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    if len(differing) == 2:
        i, j = differing
        if old[i] == new[j] and old[j] == new[i]:
            return [f"{by_id[old[i]].code} and {by_id[old[j]].code} swapped"]
    # Keep the longest run that stayed in order; everything else "moved".
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    kept = {new[b.b + k] for b in matcher.get_matching_blocks() for k in range(b.size)}
    sentences = []
    for index, item_id in enumerate(new):
        if item_id in kept:
            continue
        where = f"after {by_id[new[index - 1]].code}" if index else "to the start"
        sentences.append(f"{by_id[item_id].code} moved {where}")
    return sentences


@dataclass(frozen=True)
class ObjectiveDiff:
    objective: str
    objective_title: str
    sentences: list[str]


def diff_plans(old: Sequence[PlanItem], new: Sequence[PlanItem]) -> list[ObjectiveDiff]:
    """What changed from one plan version to another, objective by objective, in sentences a PMO reads aloud:
    "C dropped", "G added after F", "D and F swapped", "D moved after G", "F re-dated: …", "G now depends on F".
    """
    old_by_id = {i.id: i for i in old}
    new_by_id = {i.id: i for i in new}
    names = {**old_by_id, **new_by_id}
    old_seq, new_seq = sequences(old), sequences(new)
    result = []
    for objective in sorted(set(old_seq) | set(new_seq)):
        before = [i.id for i in old_seq.get(objective, [])]
        after = [i.id for i in new_seq.get(objective, [])]
        sentences: list[str] = []
        for item_id in before:
            if item_id not in after:
                moved_to = new_by_id.get(item_id)
                sentences.append(f"{names[item_id].code} dropped" if moved_to is None
                                 else f"{names[item_id].code} moved to {moved_to.objective}")
        for index, item_id in enumerate(after):
            if item_id in before:
                continue
            item = new_by_id[item_id]
            origin = old_by_id.get(item_id)
            verb = f"moved here from {origin.objective}" if origin is not None else "added"
            where = f"after {names[after[index - 1]].code}" if index else ("at the start" if before else "")
            sentence = " ".join(part for part in (item.code, verb, where) if part)
            if origin is None and item.depends_on:
                sentence += f" (depends on {_codes(item.depends_on, names)})"
            sentences.append(sentence)
        common_old = [i for i in before if i in after]
        common_new = [i for i in after if i in before]
        sentences.extend(_reorder_sentences(common_old, common_new, names))
        for item_id in common_new:
            a, b = old_by_id[item_id], new_by_id[item_id]
            if (a.start, a.end) != (b.start, b.end):
                sentences.append(f"{b.code} re-dated from {format_span(a.start, a.end)} to "
                                 f"{format_span(b.start, b.end)}")
            gained = [d for d in b.depends_on if d not in a.depends_on]
            lost = [d for d in a.depends_on if d not in b.depends_on and d in new_by_id]
            if gained and lost:
                sentences.append(f"{b.code} now depends on {_codes(gained, names)} instead of {_codes(lost, names)}")
            elif gained:
                sentences.append(f"{b.code} now depends on {_codes(gained, names)}")
            elif lost:
                sentences.append(f"{b.code} no longer depends on {_codes(lost, names)}")
        if sentences:
            title = (new_seq.get(objective) or old_seq.get(objective) or [None])[0]
            result.append(ObjectiveDiff(objective, title.objective_title if title else "", sentences))
    return result


def diff_summary(changes: Sequence[ObjectiveDiff]) -> str:
    """One line: "C dropped; G added after F; D and F swapped" (objective codes in front when several changed)."""
    if not changes:
        return "No change."
    if len(changes) == 1:
        return "; ".join(changes[0].sentences)
    return " · ".join(f"{c.objective}: {'; '.join(c.sentences)}" for c in changes)
