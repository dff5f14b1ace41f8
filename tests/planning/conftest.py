"""A small plan for the shared engagement: objective OBJ-1 reached by B → C → D → F (each depends on the one before)."""
from __future__ import annotations

import datetime as dt

import pytest

from apps.planning import services
from apps.planning.models import WorkItem

MONDAY = dt.date(2026, 3, 2)


def weeks(n: int) -> dt.date:
    return MONDAY + dt.timedelta(weeks=n)


@pytest.fixture
def media_root(settings):
    """Where this test's uploads land (tests/conftest.py points MEDIA_ROOT at a per-test directory)."""
    return settings.MEDIA_ROOT


@pytest.fixture
def plan(pmo, engagement, objective, workstreams) -> dict[str, WorkItem]:
    """Plan version 1: B, C, D, F for OBJ-1, two weeks each, a chain of dependencies."""
    ops = []
    previous = None
    for n, (code, ws) in enumerate([("B", "it"), ("C", "data"), ("D", "it"), ("F", "marketing")]):
        ops.append({"op": "add", "code": code, "title": f"Work {code}", "objective": objective.pk,
                    "workstream": workstreams[ws].pk, "start": weeks(2 * n).isoformat(),
                    "end": (weeks(2 * n + 2) - dt.timedelta(days=3)).isoformat(), "after": previous,
                    "depends_on": [previous] if previous else []})
        previous = code
    services.plan_resequence(actor=pmo, engagement=engagement, operations=ops, rationale="First plan.",
                             expected_version=0)
    return {i.code: i for i in WorkItem.objects.filter(engagement=engagement)}
