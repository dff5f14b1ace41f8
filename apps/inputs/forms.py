from __future__ import annotations

from typing import Any

from django import forms

from apps.accounts import policies
from apps.accounts.models import Membership
from apps.engagements.models import Engagement, Objective, Workstream

from .models import BODY_MAX, TITLE_MAX, Input, InputRequest


class InputForm(forms.Form):
    workstream = forms.ModelChoiceField(queryset=Workstream.objects.none())
    kind = forms.ChoiceField(choices=Input.Kind.choices)
    title = forms.CharField(max_length=TITLE_MAX)
    body = forms.CharField(
        label="Text (Markdown)", max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 12, "hx-post": "", "hx-trigger": "input changed delay:400ms",
                                     "hx-target": "#preview", "hx-swap": "innerHTML"}),
    )
    priority = forms.ChoiceField(
        choices=Input.Priority.choices, initial=Input.Priority.SHOULD, label="Priority (MoSCoW)"
    )
    tags = forms.CharField(required=False, max_length=500, help_text="Comma-separated, e.g. retention, gdpr")
    objectives = forms.ModelMultipleChoiceField(
        queryset=Objective.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    answers_request = forms.ModelChoiceField(
        queryset=InputRequest.objects.none(), required=False, label="In answer to request",
        empty_label="— not an answer to a request —",
    )

    def __init__(self, *args: Any, engagement: Engagement, membership: Membership, preview_url: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        workstreams = Workstream.objects.filter(engagement=engagement)
        requests = InputRequest.objects.filter(engagement=engagement, status=InputRequest.Status.OPEN)
        if not policies.is_pmo(membership):
            workstreams = workstreams.filter(pk=membership.workstream_id)
            requests = requests.filter(workstreams__id=membership.workstream_id)
            self.fields["workstream"].initial = membership.workstream_id
        self.fields["workstream"].queryset = workstreams
        self.fields["answers_request"].queryset = requests.distinct()
        self.fields["objectives"].queryset = Objective.objects.filter(engagement=engagement)
        self.fields["body"].widget.attrs["hx-post"] = preview_url

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]


class InputDetailsForm(forms.Form):
    kind = forms.ChoiceField(choices=Input.Kind.choices)
    priority = forms.ChoiceField(choices=Input.Priority.choices, label="Priority (MoSCoW)")
    tags = forms.CharField(required=False, max_length=500, help_text="Comma-separated")
    objectives = forms.ModelMultipleChoiceField(
        queryset=Objective.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["objectives"].queryset = Objective.objects.filter(engagement=engagement)

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]


class ReviseForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX)
    body = forms.CharField(
        label="Text (Markdown)", max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 14, "hx-trigger": "input changed delay:400ms",
                                     "hx-target": "#preview", "hx-swap": "innerHTML"}),
    )
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, preview_url: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["hx-post"] = preview_url


class InputFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Text")
    workstream = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Input.Kind.choices])
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Input.Status.choices])
    priority = forms.ChoiceField(required=False, choices=[("", "Any priority"), *Input.Priority.choices])
    tag = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, workstreams: list[Workstream], tags: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["workstream"].choices = [("", "All workstreams")] + [(w.slug, w.name) for w in workstreams]
        self.fields["tag"].choices = [("", "Any tag")] + [(t, t) for t in tags]


class InputRequestForm(forms.Form):
    topic = forms.CharField(max_length=200, help_text="e.g. Data retention for campaign logs")
    description = forms.CharField(required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))
    due_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    workstreams = forms.ModelMultipleChoiceField(queryset=Workstream.objects.none(),
                                                 widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["workstreams"].queryset = Workstream.objects.filter(engagement=engagement)
