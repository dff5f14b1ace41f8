"""Every write to the plan of work. HTML views and API views both call these; each audits in its transaction.

Re-sequencing is one change set: the operations are applied to the work items, the whole plan is checked
(dependency cycles, order against dependencies, dates), and a new immutable PlanVersion freezes the result with
its rationale and the diff from the version before. Anything refused leaves the plan as it was.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.policies import require_pmo
from apps.alignment.models import Decision
from apps.audit.services import audit_log
from apps.core.errors import ApplicationError, StaleRevisionError
from apps.engagements.models import Engagement, Objective, Workstream

from .. import engine
from ..models import PlanVersion, WorkItem

CODE_MAX = 20
TITLE_MAX = 200
RATIONALE_MAX = 5000
OPS = ("add", "drop", "move", "reorder", "redate", "depend")


class PlanStaleError(StaleRevisionError):
    """The change set was made on an older plan version; `current` is the PlanVersion (or None for v0)."""


def plan_version_number(*, engagement: Engagement) -> int:
    return PlanVersion.objects.filter(engagement=engagement).aggregate(m=Max("number"))["m"] or 0


def plan_items(*, engagement: Engagement) -> list[engine.PlanItem]:
    """The live plan as plain items: every work item that is not dropped."""
    items = (WorkItem.objects.filter(engagement=engagement).exclude(status=WorkItem.Status.DROPPED)
             .select_related("objective", "workstream").prefetch_related("depends_on").order_by("id"))
    return [engine.PlanItem(
        id=i.pk, code=i.code, title=i.title, objective=i.objective.code, objective_title=i.objective.title,
        workstream=i.workstream.name, start=i.planned_start, end=i.planned_end, position=i.position,
        depends_on=tuple(sorted(d.pk for d in i.depends_on.all() if d.status != WorkItem.Status.DROPPED)),
        status=i.status) for i in items]


# --- reading operations --------------------------------------------------------------------------------

def _date(value: Any, *, field: str, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise ApplicationError(f"{where}: {field} must be a date like 2026-03-02, not {value!r}.",
                               field="operations") from exc


class _Plan:
    """The engagement's work items while a change set is applied to them (nothing saved until it all checks)."""

    def __init__(self, engagement: Engagement):
        self.engagement = engagement
        self.items: dict[int, WorkItem] = {
            i.pk: i for i in WorkItem.objects.select_for_update(of=("self",)).filter(engagement=engagement)
            .select_related("objective", "workstream").order_by("id")}
        self.deps: dict[int, set[int]] = {pk: set() for pk in self.items}
        through = WorkItem.depends_on.through
        for row in through.objects.filter(from_workitem__engagement=engagement).values_list(
                "from_workitem_id", "to_workitem_id"):
            self.deps[row[0]].add(row[1])
        self.original_deps = {k: set(v) for k, v in self.deps.items()}
        self.new: list[WorkItem] = []
        self.dropped: list[WorkItem] = []
        self.touched: set[int] = set()

    def active(self) -> list[WorkItem]:
        return [i for i in [*self.items.values(), *self.new] if i.status != WorkItem.Status.DROPPED]

    def find(self, ref: Any, *, where: str) -> WorkItem:
        for item in [*self.items.values(), *self.new]:
            if (isinstance(ref, int) and item.pk == ref) or (isinstance(ref, str) and item.code == ref.strip()):
                if item.status == WorkItem.Status.DROPPED:
                    raise ApplicationError(f"{where}: {item.code} is already dropped.", field="operations")
                return item
        raise ApplicationError(f"{where}: no work item {ref!r} in this plan.", field="operations")

    def key(self, item: WorkItem) -> int:
        return item.pk if item.pk else -1 - self.new.index(item)

    def sequence(self, objective_id: int) -> list[WorkItem]:
        return sorted((i for i in self.active() if i.objective_id == objective_id),
                      key=lambda i: (i.position, i.pk or 10**12 + self.new.index(i)))

    def place(self, ordered: list[WorkItem]) -> None:
        """Number one objective's sequence 1..n in the given order."""
        for number, item in enumerate(ordered, start=1):
            if item.position != number:
                item.position = number
                if item.pk:
                    self.touched.add(item.pk)


def _insert_after(plan: _Plan, item: WorkItem, after: Any, *, where: str) -> None:
    sequence = [i for i in plan.sequence(item.objective_id) if i is not item]
    if after in (None, ""):
        index = 0
    else:
        anchor = plan.find(after, where=where)
        if anchor.objective_id != item.objective_id:
            raise ApplicationError(f"{where}: {anchor.code} belongs to {anchor.objective.code}, not "
                                   f"{item.objective.code}.", field="operations")
        index = sequence.index(anchor) + 1
    sequence.insert(index, item)
    plan.place(sequence)


def _apply(plan: _Plan, op: Mapping[str, Any], number: int, *, actor: User) -> dict[str, Any]:
    where = f"Operation {number}"
    if not isinstance(op, Mapping) or op.get("op") not in OPS:
        raise ApplicationError(f"{where}: op must be one of {', '.join(OPS)}.", field="operations")
    kind = op["op"]
    where = f"Operation {number} ({kind})"
    if kind == "add":
        code = str(op.get("code") or "").strip()
        title = str(op.get("title") or "").strip()
        if not code or len(code) > CODE_MAX or any(ch.isspace() for ch in code):
            raise ApplicationError(f"{where}: give a short code without spaces (up to {CODE_MAX} characters).",
                                   field="operations")
        if not title or len(title) > TITLE_MAX:
            raise ApplicationError(f"{where}: give a title (up to {TITLE_MAX} characters).", field="operations")
        if any(i.code == code for i in [*plan.items.values(), *plan.new]):
            raise ApplicationError(f"{where}: the code {code} is already used in this plan.", field="operations")
        objective = Objective.objects.filter(engagement=plan.engagement, pk=op.get("objective")).first()
        if objective is None:
            raise ApplicationError(f"{where}: objective must be an objective of this engagement.",
                                   field="operations")
        workstream = Workstream.objects.filter(engagement=plan.engagement, pk=op.get("workstream")).first()
        if workstream is None:
            raise ApplicationError(f"{where}: workstream must be a workstream of this engagement.",
                                   field="operations")
        item = WorkItem(engagement=plan.engagement, objective=objective, workstream=workstream, code=code,
                        title=title, description=str(op.get("description") or "")[:20000],
                        planned_start=_date(op.get("start"), field="start", where=where),
                        planned_end=_date(op.get("end"), field="end", where=where), created_by=actor, position=0)
        plan.new.append(item)
        plan.deps[plan.key(item)] = set()
        _insert_after(plan, item, op.get("after"), where=where)
        if op.get("depends_on"):
            plan.deps[plan.key(item)] = {plan.key(plan.find(ref, where=where)) for ref in op["depends_on"]}
        return {"op": "add", "code": code}
    if kind == "reorder":
        return _reorder(plan, op.get("order"), where=where)
    item = plan.find(op.get("item"), where=where)
    record: dict[str, Any] = {"op": kind, "item": item.pk, "code": item.code}
    if kind == "drop":
        item.status = WorkItem.Status.DROPPED
        plan.dropped.append(item)
        plan.touched.add(item.pk)
        plan.place(plan.sequence(item.objective_id))
    elif kind == "move":
        _insert_after(plan, item, op.get("after"), where=where)
        record["after"] = op.get("after")
    elif kind == "redate":
        start = _date(op.get("start", item.planned_start), field="start", where=where)
        end = _date(op.get("end", item.planned_end), field="end", where=where)
        record["dates"] = [[item.planned_start.isoformat(), item.planned_end.isoformat()],
                           [start.isoformat(), end.isoformat()]]
        item.planned_start, item.planned_end = start, end
        plan.touched.add(item.pk)
    elif kind == "depend":
        refs = op.get("depends_on")
        if not isinstance(refs, list):
            raise ApplicationError(f"{where}: depends_on must be a list of work items (codes or ids).",
                                   field="operations")
        plan.deps[plan.key(item)] = {plan.key(plan.find(ref, where=where)) for ref in refs}
        record["depends_on"] = [plan.find(ref, where=where).code for ref in refs]
    return record


def _reorder(plan: _Plan, refs: Any, *, where: str) -> dict[str, Any]:
    """The whole new sequence of one objective (the objective of the items listed)."""
    if not isinstance(refs, list) or not refs:
        raise ApplicationError(f"{where}: order must list the objective's work items in their new order.",
                               field="operations")
    ordered = [plan.find(ref, where=where) for ref in refs]
    objective = ordered[0].objective
    current = plan.sequence(objective.pk)
    if sorted(plan.key(i) for i in ordered) != sorted(plan.key(i) for i in current) or len(ordered) != len(current):
        names = ", ".join(i.code for i in current)
        raise ApplicationError(f"{where}: list every active work item of {objective.code} exactly once ({names}).",
                               field="operations")
    plan.place(ordered)
    return {"op": "reorder", "objective": objective.code, "order": [i.code for i in ordered]}


def _check(plan: _Plan) -> None:
    active = plan.active()
    keys = {plan.key(i): i for i in active}
    everything = {plan.key(i): i for i in [*plan.items.values(), *plan.new]}
    for item in active:
        if item.planned_end < item.planned_start:
            raise ApplicationError(f"{item.code} would end ({item.planned_end}) before it starts "
                                   f"({item.planned_start}).", field="operations")
        for dep in plan.deps[plan.key(item)]:
            if dep == plan.key(item):
                raise ApplicationError(f"{item.code} cannot depend on itself.", field="operations")
            if dep not in keys:
                raise ApplicationError(f"{item.code} depends on {everything[dep].code}, which is dropped. Remove "
                                       "that dependency in the same change set.", field="operations")
    cycle = engine.find_cycle({k: plan.deps[k] for k in keys})
    if cycle:
        ring = cycle[:-1]  # the same loop read from its smallest code, whatever ids the rows got
        first = min(range(len(ring)), key=lambda i: keys[ring[i]].code)
        ring = ring[first:] + ring[:first]
        path = " → ".join(keys[k].code for k in [*ring, ring[0]])
        raise ApplicationError(f"Dependency cycle: {path}. A work item cannot wait, directly or through others, "
                               "for itself; remove one of these dependencies.", field="operations")
    for item in active:
        sequence = plan.sequence(item.objective_id)
        for dep in plan.deps[plan.key(item)]:
            other = keys[dep]
            if other.objective_id == item.objective_id and sequence.index(other) > sequence.index(item):
                raise ApplicationError(f"{item.code} is placed before {other.code}, which it depends on. Move "
                                       f"{item.code} after {other.code} or remove the dependency.",
                                       field="operations")


@transaction.atomic
def plan_resequence(*, actor: User, engagement: Engagement, operations: Sequence[Mapping[str, Any]],
                    rationale: str, expected_version: int | None, decision: Decision | None = None) -> PlanVersion:
    """Apply one change set (add, drop, move, reorder, redate, depend) and record it as the next plan version."""
    require_pmo(actor=actor, engagement=engagement)
    Engagement.objects.select_for_update().filter(pk=engagement.pk).first()  # one change set at a time
    current = PlanVersion.objects.filter(engagement=engagement).order_by("-number").first()
    number = current.number if current else 0
    if expected_version is None:
        raise ApplicationError("Say which plan version you changed (expected_version or If-Match).",
                               field="expected_version")
    if expected_version != number:
        who = f" by {current.created_by}" if current else ""
        raise PlanStaleError(
            f"The plan changed{who} (now version {number}) after you opened version {expected_version}; "
            "nothing was changed. Look at the current plan and make your change on it.", current=current)
    rationale = (rationale or "").strip()
    if not rationale:
        raise ApplicationError("Say why the plan changes (rationale).", field="rationale")
    if len(rationale) > RATIONALE_MAX:
        raise ApplicationError(f"The rationale is {len(rationale)} characters; the limit is {RATIONALE_MAX}.",
                               field="rationale")
    if decision is not None and decision.engagement_id != engagement.pk:
        raise ApplicationError("That decision is not part of this engagement.", field="decision")
    if not operations:
        raise ApplicationError("Give at least one operation.", field="operations")
    before = engine.items_from_snapshot(current.snapshot) if current else []
    plan = _Plan(engagement)
    applied = [_apply(plan, op, n, actor=actor) for n, op in enumerate(operations, start=1)]
    _check(plan)
    # Save: new items first (they need ids), then positions, dates, statuses and dependencies.
    for item in plan.new:
        item.save()
    keymap = {-1 - n: item.pk for n, item in enumerate(plan.new)}
    for pk in plan.touched:
        plan.items[pk].save(update_fields=["position", "planned_start", "planned_end", "status", "updated_at"])
    for key, deps in plan.deps.items():
        real = {keymap.get(d, d) for d in deps}
        if key < 0 or real != plan.original_deps.get(key, set()):
            item = plan.new[-1 - key] if key < 0 else plan.items[key]
            item.depends_on.set(real)
    after = plan_items(engagement=engagement)
    changes = engine.diff_plans(before, after)
    summary = engine.diff_summary(changes)
    if summary == "No change.":
        raise ApplicationError("These operations leave the plan as it is; nothing to record.", field="operations")
    for record in applied:
        if record["op"] == "add":
            record["item"] = next(i.pk for i in plan.new if i.code == record["code"])
    version = PlanVersion.objects.create(
        engagement=engagement, number=number + 1, rationale=rationale, decision=decision, operations=applied,
        snapshot=[i.to_json() for i in after], summary=summary, created_by=actor)
    audit_log(actor=actor, action="planning.plan.resequenced", target=version, engagement=engagement,
              changes={"version": [number, version.number], "summary": summary, "operations": applied,
                       "decision": decision.reference if decision else None})
    for item in plan.new:
        audit_log(actor=actor, action="planning.workitem.created", target=item, engagement=engagement,
                  changes={"code": item.code, "title": item.title, "objective": item.objective.code,
                           "plan_version": version.number})
    reason = f"{{code}} was dropped from the plan in version {version.number}: {rationale}"
    for item in plan.dropped:
        audit_log(actor=actor, action="planning.workitem.dropped", target=item, engagement=engagement,
                  changes={"code": item.code, "plan_version": version.number})
        _links_mark_suspect(item=item, reason=reason.format(code=f"{item.code} {item.title}"), actor=actor)
    return version


def workitem_create(*, actor: User, engagement: Engagement, objective: Objective, workstream: Workstream,
                    code: str, title: str, planned_start: dt.date, planned_end: dt.date, description: str = "",
                    after: str | None = None, depends_on: Iterable[WorkItem] = (), rationale: str = "",
                    expected_version: int | None = None, decision: Decision | None = None) -> WorkItem:
    """Adding a work item is a re-sequencing too: a one-operation change set (with a default rationale)."""
    if expected_version is None:
        expected_version = plan_version_number(engagement=engagement)
    op = {"op": "add", "code": code, "title": title, "objective": objective.pk, "workstream": workstream.pk,
          "start": planned_start, "end": planned_end, "description": description, "after": after,
          "depends_on": [d.code for d in depends_on]}
    plan_resequence(actor=actor, engagement=engagement, operations=[op], expected_version=expected_version,
                    rationale=rationale or f"{code.strip()} added to the plan.", decision=decision)
    return WorkItem.objects.get(engagement=engagement, code=code.strip())


@transaction.atomic
def workitem_update(*, actor: User, work_item: WorkItem, title: str | None = None, description: str | None = None,
                    status: str | None = None, workstream: Workstream | None = None) -> WorkItem:
    """Details that do not change the plan's shape. Order, dates, dependencies and dropping are re-sequencing."""
    locked = WorkItem.objects.select_for_update().select_related("engagement").get(pk=work_item.pk)
    require_pmo(actor=actor, engagement=locked.engagement)
    if locked.is_dropped:
        raise ApplicationError(f"{locked.code} is dropped; it can no longer change.")
    changes: dict[str, Any] = {}
    if title is not None:
        title = title.strip()
        if not title or len(title) > TITLE_MAX:
            raise ApplicationError(f"Give a title (up to {TITLE_MAX} characters).", field="title")
        if title != locked.title:
            changes["title"] = [locked.title, title]
            locked.title = title
    if description is not None and description != locked.description:
        changes["description"] = "changed"
        locked.description = description
    if status is not None and status != locked.status:
        if status == WorkItem.Status.DROPPED:
            raise ApplicationError("Dropping a work item is a re-sequencing: use the plan's re-sequence with a "
                                   "rationale.", field="status")
        if status not in WorkItem.Status.values:
            raise ApplicationError(f"Unknown status {status!r}.", field="status")
        changes["status"] = [locked.status, status]
        locked.status = status
    if workstream is not None and workstream.pk != locked.workstream_id:
        if workstream.engagement_id != locked.engagement_id:
            raise ApplicationError("That workstream is not part of this engagement.", field="workstream")
        changes["workstream"] = [locked.workstream.name, workstream.name]
        locked.workstream = workstream
    if changes:
        locked.save()
        audit_log(actor=actor, action="planning.workitem.updated", target=locked, engagement=locked.engagement_id,
                  changes=changes)
    work_item.refresh_from_db()
    return work_item


# --- traceability ------------------------------------------------------------------------------------------

def _links_mark_suspect(*, item: WorkItem, reason: str, actor: User) -> int:
    """A dropped work item: its own links turn suspect, and so do the sections and decisions they point at,
    through the same suspect flags the deliverable and decision pages already show and let the PMO clear."""
    from apps.alignment.services import decisions_mark_suspect
    from apps.deliverables.services import tracelinks_mark_suspect_for_sections

    now = timezone.now()
    links = list(item.links.select_for_update(of=("self",)).filter(is_suspect=False).order_by("pk"))
    for link in links:
        link.is_suspect, link.suspect_reason, link.suspect_since = True, reason[:300], now
        link.save(update_fields=["is_suspect", "suspect_reason", "suspect_since", "updated_at"])
        audit_log(actor=actor, action="planning.workitemlink.suspected", target=link,
                  engagement=item.engagement_id, changes={"work_item": item.code, "reason": link.suspect_reason})
    section_ids = [link.section_id for link in links if link.section_id]
    decision_ids = [link.decision_id for link in links if link.decision_id]
    if section_ids:
        tracelinks_mark_suspect_for_sections(section_ids=section_ids, reason=reason, actor=actor,
                                             engagement_id=item.engagement_id)
    if decision_ids:
        decisions_mark_suspect(decision_ids=decision_ids, reason=reason, actor=actor)
    return len(links)
