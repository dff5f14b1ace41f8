from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from apps.engagements.models import Objective, Workstream

from .models import WorkItem


class WorkItemEditForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)
    status = forms.ChoiceField(choices=[c for c in WorkItem.Status.choices if c[0] != WorkItem.Status.DROPPED],
                               help_text="Dropping is a re-sequencing: use “Re-sequence” on the objective.")
    workstream = forms.ModelChoiceField(queryset=Workstream.objects.none(), label="Owner workstream")

    def __init__(self, *args: Any, engagement_id: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["workstream"].queryset = Workstream.objects.filter(engagement_id=engagement_id)


class LinkForm(forms.Form):
    target = forms.ChoiceField(label="Link to", help_text="An input, decision or deliverable section this work "
                                                          "item serves.")

    def __init__(self, *args: Any, choices: Sequence[tuple[str, Any]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "— choose —"), *choices]


class DefinitionForm(forms.Form):
    title = forms.CharField(max_length=200, label="Expected deliverable")
    due_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class UploadForm(forms.Form):
    file = forms.FileField(label="Delivered document", allow_empty_file=True)


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except (TypeError, ValueError):
        return None


def resequence_operations(data: Mapping[str, Any], *, items: Sequence[WorkItem],
                          objective: Objective) -> tuple[list[dict[str, Any]], list[str]]:
    """The objective's re-sequence form → the change set's operations (and the form's own errors).

    Each row of the form is one current work item: its place, a drop box, its dates and its dependencies
    (codes). A last row adds a new item. The service checks the result as a whole; this only reads the form.
    """
    errors: list[str] = []
    ops: list[dict[str, Any]] = []
    kept: list[tuple[float, int, WorkItem]] = []
    for index, item in enumerate(items):
        key = str(item.pk)
        deps_raw = str(data.get(f"deps_{key}", "")).replace(";", ",")
        deps = sorted({c.strip() for c in deps_raw.split(",") if c.strip()})
        if deps != sorted(d.code for d in item.depends_on.all() if not d.is_dropped):
            ops.append({"op": "depend", "item": item.code, "depends_on": deps})
        if data.get(f"drop_{key}"):
            ops.append({"op": "drop", "item": item.code})
            continue
        start, end = _date(data.get(f"start_{key}", "")), _date(data.get(f"end_{key}", ""))
        if start is None or end is None:
            errors.append(f"{item.code}: give a start and an end date.")
        elif (start, end) != (item.planned_start, item.planned_end):
            ops.append({"op": "redate", "item": item.code, "start": start.isoformat(), "end": end.isoformat()})
        try:
            place = float(data.get(f"pos_{key}") or index + 1)
        except ValueError:
            errors.append(f"{item.code}: the place must be a number.")
            place = index + 1
        kept.append((place, index, item))
    order = [item.code for _place, _index, item in sorted(kept, key=lambda t: (t[0], t[1]))]
    code = str(data.get("new_code", "")).strip()
    title = str(data.get("new_title", "")).strip()
    if code or title:
        after = str(data.get("new_after", "")).strip()
        deps = sorted({c.strip() for c in str(data.get("new_deps", "")).replace(";", ",").split(",") if c.strip()})
        ops.append({"op": "add", "code": code, "title": title, "objective": objective.pk,
                    "workstream": data.get("new_workstream") or None, "start": data.get("new_start") or None,
                    "end": data.get("new_end") or None, "after": None, "depends_on": deps})
        if after == "__start__":
            order.insert(0, code)
        elif after in order:
            order.insert(order.index(after) + 1, code)
        else:
            order.append(code)
    if order:
        ops.append({"op": "reorder", "order": order})
    return ops, errors
