"""The demo engagement's plan of work: two versions, so `make run` shows a re-sequencing and its diff.

Idempotent: nothing happens once the engagement has a plan version.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Membership, Role
from apps.alignment.models import Decision
from apps.engagements.models import Engagement, Objective, Workstream
from apps.inputs.models import Input

from . import services
from .models import PlanVersion, WorkItem

# code, objective, workstream, title, start week, weeks, depends on
FIRST_PLAN = [
    ("A", "OBJ-1", "data", "Agree one definition of an active customer", 0, 2, []),
    ("B", "OBJ-1", "data", "Customer profile data model", 2, 3, ["A"]),
    ("C", "OBJ-1", "it", "Migrate legacy CRM contacts into the profile", 5, 4, ["B"]),
    ("D", "OBJ-1", "it", "Profile API for campaigns and service", 9, 3, ["C"]),
    ("F", "OBJ-1", "marketing", "Campaign segments built on the profile", 12, 2, ["D"]),
    ("H", "OBJ-2", "it", "Hosting landing zone and CI/CD pipeline", 0, 4, []),
    ("J", "OBJ-2", "it", "Page-speed budget at the edge (CDN, caching)", 4, 3, ["H"]),
    ("K", "OBJ-3", "it", "Retention rules in the log pipeline", 3, 3, []),
    ("L", "OBJ-3", "data", "Pseudonymise personal data before the data lake", 6, 3, ["K"]),
]


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def seed_plan(engagement: Engagement, stdout: Any) -> bool:
    if PlanVersion.objects.filter(engagement=engagement).exists():
        return False
    pmo = Membership.objects.filter(engagement=engagement, role=Role.PMO).select_related("user").first().user
    objectives = {o.code: o for o in Objective.objects.filter(engagement=engagement)}
    workstreams = {w.slug: w for w in Workstream.objects.filter(engagement=engagement)}
    start = _monday(timezone.localdate()) - dt.timedelta(weeks=2)

    def week(n: int) -> dt.date:
        return start + dt.timedelta(weeks=n)

    with transaction.atomic():
        ops: list[dict[str, Any]] = []
        previous: dict[str, str] = {}
        for code, objective, ws, title, first, length, deps in FIRST_PLAN:
            if objective not in objectives or ws not in workstreams:
                continue
            ops.append({"op": "add", "code": code, "title": title, "objective": objectives[objective].pk,
                        "workstream": workstreams[ws].pk, "start": week(first).isoformat(),
                        "end": (week(first + length) - dt.timedelta(days=3)).isoformat(),
                        "after": previous.get(objective), "depends_on": deps})
            previous[objective] = code
        services.plan_resequence(
            actor=pmo, engagement=engagement, operations=ops, expected_version=0,
            rationale="First plan of work agreed at kick-off: one customer profile first, then the channels on it.")
        items = {i.code: i for i in WorkItem.objects.filter(engagement=engagement)}
        inputs = {i.title: i for i in Input.objects.filter(engagement=engagement)}
        for code, title in [("B", "Single customer profile"), ("D", "Customer profile for campaigns"),
                            ("C", "Legacy CRM stays until 2027"), ("K", "Delete interaction logs after 90 days")]:
            if code in items and title in inputs:
                services.workitem_link_add(actor=pmo, work_item=items[code], input=inputs[title])
        for code, title, due in [("B", "Profile data model (document)", 5), ("D", "Profile API specification", 11),
                                 ("C", "Migration runbook", 8)]:
            if code in items:
                services.definition_create(actor=pmo, work_item=items[code], title=title, due_date=week(due))
        decision = (Decision.objects.filter(engagement=engagement, outcome=Decision.Outcome.MERGE)
                    .order_by("id").last())
        services.plan_resequence(
            actor=pmo, engagement=engagement, expected_version=1, decision=decision,
            rationale="The legacy CRM stays read-only until 2027, so the profile reads it through its API and the "
                      "contact migration is dropped; campaign reporting follows once segments exist.",
            operations=[
                {"op": "depend", "item": "D", "depends_on": ["B"]},
                {"op": "drop", "item": "C"},
                {"op": "redate", "item": "D", "start": week(5).isoformat(),
                 "end": (week(8) - dt.timedelta(days=3)).isoformat()},
                {"op": "redate", "item": "F", "start": week(8).isoformat(),
                 "end": (week(10) - dt.timedelta(days=3)).isoformat()},
                {"op": "add", "code": "G", "title": "Campaign reporting on the profile", "after": "F",
                 "objective": objectives["OBJ-1"].pk, "workstream": workstreams["marketing"].pk,
                 "start": week(10).isoformat(), "end": (week(12) - dt.timedelta(days=3)).isoformat(),
                 "depends_on": ["F"]},
            ])
    stdout.write("Demo plan of work: two versions (C dropped, G added), OBJ-4 still without a work item.")
    return True
