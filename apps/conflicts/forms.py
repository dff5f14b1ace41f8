from __future__ import annotations

from typing import Any

from django import forms

from apps.engagements.models import Workstream

from .models import Finding
from .services.choice_sets import NAME_MAX
from .services.findings import REASON_MAX

STATUS_CHOICES = [("", "Active (open, acknowledged, in alignment)"), *Finding.Status.choices, ("all", "Any status")]
CONFLICT_KINDS = [(k, label) for k, label in Finding.Kind.choices if k not in ("duplicate", "overlap")]
DUPLICATE_KINDS = [(k, label) for k, label in Finding.Kind.choices if k in ("duplicate", "overlap")]


class FindingFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)
    ws_a = forms.ChoiceField(required=False, label="Between")
    ws_b = forms.ChoiceField(required=False, label="and")
    min_score = forms.FloatField(required=False, min_value=0, max_value=1, label="Min. score",
                                 widget=forms.NumberInput(attrs={"step": "0.05", "min": "0", "max": "1"}))
    mine = forms.BooleanField(required=False, label="Only my workstream")
    input = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, workstreams: list[Workstream], label: str, show_mine: bool = False,
                 **kwargs: Any):
        super().__init__(*args, **kwargs)
        kinds = CONFLICT_KINDS if label == Finding.Label.CONFLICT else DUPLICATE_KINDS
        self.fields["kind"].choices = [("", "Any kind"), *kinds]
        ws_choices = [("", "Any workstream"), *((w.slug, w.name) for w in workstreams)]
        self.fields["ws_a"].choices = ws_choices
        self.fields["ws_b"].choices = ws_choices
        if not show_mine:
            del self.fields["mine"]


class DismissForm(forms.Form):
    reason = forms.CharField(max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}),
                             label="Why is this a false positive?")


class ChoiceSetForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX, help_text="e.g. CDN vendor")
    options = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One option per line; synonyms of one option separated by | (e.g. \"Akamai\", "
                  "\"Fastly\", \"CloudFront | Amazon CloudFront\").")
