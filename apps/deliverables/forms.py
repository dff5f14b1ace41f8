from __future__ import annotations

from typing import Any

from django import forms

from apps.alignment.models import Decision
from apps.core.ids import is_id
from apps.engagements.models import Engagement, Objective, Workstream
from apps.inputs.models import Input
from apps.inputs.policies import input_private_q

from .models import Deliverable
from .services import BODY_MAX, DESCRIPTION_MAX, HEADING_MAX, TITLE_MAX
from .trace import STATUSES


class DeliverableForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX, initial="Integrated Requirements Specification")
    description = forms.CharField(max_length=DESCRIPTION_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    approval_policy = forms.ChoiceField(choices=Deliverable.ApprovalPolicy.choices,
                                        initial=Deliverable.ApprovalPolicy.ALL)


class SectionForm(forms.Form):
    heading = forms.CharField(max_length=HEADING_MAX)
    body = forms.CharField(
        label="Text (Markdown)", max_length=BODY_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 16, "hx-trigger": "input changed delay:400ms", "hx-target": "#preview",
                                     "hx-swap": "innerHTML"}),
    )
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, preview_url: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["hx-post"] = preview_url


class TraceLinkForm(forms.Form):
    """Exactly one target; an input is linked at its current revision."""

    # A reference such as "IN-12" (or the bare number): an engagement can hold thousands of inputs, far
    # too many for a <select>; the page suggests matches as the PMO types.
    input = forms.CharField(required=False, max_length=20)
    decision = forms.ModelChoiceField(queryset=Decision.objects.none(), required=False)
    objective = forms.ModelChoiceField(queryset=Objective.objects.none(), required=False)

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.engagement = engagement
        self.fields["decision"].queryset = Decision.objects.filter(engagement=engagement)
        self.fields["objective"].queryset = Objective.objects.filter(engagement=engagement)

    def clean_input(self) -> Input | None:
        raw = (self.cleaned_data.get("input") or "").strip().upper().removeprefix("IN-").strip()
        if not raw:
            return None
        if not is_id(raw):
            raise forms.ValidationError("Give an input reference such as IN-12.")
        found = (Input.objects.filter(engagement=self.engagement, number=int(raw)).exclude(input_private_q())
                 .select_related("current_revision").first())
        if found is None:
            raise forms.ValidationError(f"IN-{raw} is not a submitted input of this engagement.")
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = [k for k in ("input", "decision", "objective") if data.get(k)]
        if len(chosen) != 1:
            raise forms.ValidationError("Choose exactly one input, decision or objective to link.")
        return data


class FromDecisionForm(forms.Form):
    decision = forms.ModelChoiceField(queryset=Decision.objects.none())
    heading = forms.CharField(max_length=HEADING_MAX, required=False,
                              help_text="Leave empty to use the inputs' titles.")

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = Decision.objects.filter(
            engagement=engagement, outcome__in=[Decision.Outcome.MERGE, Decision.Outcome.ADOPT])


class TraceFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Text")
    workstream = forms.ChoiceField(required=False)
    objective = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *[(s, s.capitalize()) for s in STATUSES]])

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["workstream"].choices = [("", "All workstreams")] + [
            (w.slug, w.name) for w in Workstream.objects.filter(engagement=engagement)]
        self.fields["objective"].choices = [("", "All objectives")] + [
            (o.code, f"{o.code} {o.title}") for o in Objective.objects.filter(engagement=engagement)]
