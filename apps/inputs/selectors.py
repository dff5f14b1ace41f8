"""Input reads, scoped to the asker (`apps.core.scope.Scope`)."""
from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from apps.core.ids import is_id
from apps.core.scope import Scope

from .models import Input, InputRevision, Tag
from .policies import input_visible_q


def inputs_visible_to(*, scope: Scope) -> QuerySet[Input]:
    """Inputs in scope, less the drafts of workstreams the asker does not write for (policies)."""
    return Input.objects.filter(scope.q(), input_visible_q(scope=scope))


def revisions_visible_to(*, scope: Scope) -> QuerySet[InputRevision]:
    return InputRevision.objects.filter(scope.q("input__engagement"), input_visible_q(scope=scope, prefix="input__"))


def input_list(*, scope: Scope, filters: dict[str, Any] | None = None) -> QuerySet[Input]:
    qs = inputs_visible_to(scope=scope)
    qs = qs.select_related("workstream", "author", "current_revision").prefetch_related("tags")
    return _input_filter(qs, filters or {})


def _input_filter(qs: QuerySet[Input], filters: dict[str, Any]) -> QuerySet[Input]:
    """The filters shared by the HTML list and the API: workstream, kind, status, priority, tag, text."""
    if value := filters.get("workstream"):
        qs = qs.filter(workstream__slug=value) if not is_id(value) else qs.filter(workstream_id=value)
    for field in ("kind", "status", "priority"):
        if value := filters.get(field):
            qs = qs.filter(**{field: value})
    if value := filters.get("tag"):
        qs = qs.filter(tags__name=value)
    if value := (filters.get("q") or "").strip():
        qs = qs.filter(Q(title__icontains=value) | Q(current_revision__body__icontains=value))
    if value := filters.get("objective"):
        qs = qs.filter(objectives__id=value)
    return qs.distinct() if filters.get("tag") or filters.get("objective") else qs


def input_get(*, scope: Scope, input_id: int) -> Input:
    qs = input_list(scope=scope).prefetch_related("objectives")
    try:
        return qs.get(pk=input_id)
    except Input.DoesNotExist as exc:
        raise Http404("No such input") from exc


def revision_list(*, input: Input) -> QuerySet[InputRevision]:
    return InputRevision.objects.filter(input=input).select_related("author").order_by("-number")


def revision_get(*, input: Input, number: int) -> InputRevision:
    try:
        return InputRevision.objects.select_related("author").get(input=input, number=number)
    except InputRevision.DoesNotExist as exc:
        raise Http404("No such revision") from exc


def tag_list(*, scope: Scope) -> QuerySet[Tag]:
    return Tag.objects.filter(scope.q())
