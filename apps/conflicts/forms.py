from __future__ import annotations

from typing import Any

from django import forms

from apps.engagements.models import Workstream

from .models import Finding
from .services.choice_sets import NAME_MAX
from .services.feedback import EXPLANATION_MAX
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


JUDGE_LABELS = [(Finding.Label.CONFLICT, "Conflict"), (Finding.Label.DUPLICATE, "Merge candidate")]
ALL_KINDS = [("", "Kind: other / overlap"), *CONFLICT_KINDS, *DUPLICATE_KINDS]


class JudgementForm(forms.Form):
    """Confirm a "needs a look" pair (or flag a pair) as a conflict or merge candidate."""

    label = forms.ChoiceField(choices=JUDGE_LABELS, label="It is a")
    kind = forms.ChoiceField(choices=ALL_KINDS, required=False)
    explanation = forms.CharField(max_length=EXPLANATION_MAX, widget=forms.Textarea(attrs={"rows": 2}),
                                  label="Why (one sentence)")


class RelatedDismissForm(forms.Form):
    reason = forms.CharField(max_length=EXPLANATION_MAX, required=False, label="Why not (optional)",
                             widget=forms.TextInput())


class FlagForm(JudgementForm):
    """Flag one of this input's statements against a statement of another input, by hand."""

    statement = forms.TypedChoiceField(coerce=int, label="This statement")
    other_input = forms.CharField(max_length=20, label="Other input", help_text="e.g. IN-42")
    other_statement = forms.IntegerField(min_value=1, initial=1, label="Its statement no.",
                                         help_text="1 = its first sentence or list item")

    field_order = ["statement", "other_input", "other_statement", "label", "kind", "explanation"]

    def __init__(self, *args: Any, statements: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["statement"].choices = statements

    def clean_other_input(self) -> int:
        value = self.cleaned_data["other_input"].strip().upper().removeprefix("IN-")
        if not value.isdigit():
            raise forms.ValidationError("Give the other input's reference, e.g. IN-42.")
        return int(value)
