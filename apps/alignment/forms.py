from __future__ import annotations

from typing import Any

from django import forms

from apps.accounts.models import User
from apps.conflicts.models import Finding
from apps.engagements.models import Engagement, Workstream
from apps.inputs.models import Input

from . import selectors
from .models import AgendaItem, AlignmentSession, Decision, Position
from .services import DECISION_OUTCOME_FIELDS, MINUTES_MAX, REASON_MAX, TEXT_MAX, TITLE_MAX


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name or obj.email} <{obj.email}>"


class FindingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return (f"{obj.reference} {obj.get_label_display()} · {obj.workstream_a.name} ↔ {obj.workstream_b.name}: "
                f"{obj.explanation[:140]}")


class InputChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Input) -> str:
        return f"{obj.reference} [{obj.workstream.name}] {obj.title}"


_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SessionForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX)
    scheduled_at = forms.DateTimeField(label="When (UTC)", widget=_DATETIME)
    participants = MemberChoiceField(queryset=User.objects.none(), required=False,
                                     widget=forms.CheckboxSelectMultiple,
                                     help_text="Members of this engagement; each gets an invitation.")

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = selectors.engagement_members(engagement=engagement)


class SessionCreateForm(SessionForm):
    findings = FindingChoiceField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
                                  label="Agenda: open findings")
    inputs = InputChoiceField(queryset=Input.objects.none(), required=False, label="Agenda: individual inputs",
                              widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any):
        super().__init__(*args, engagement=engagement, **kwargs)
        self.fields["findings"].queryset = _candidate_findings(engagement=engagement, session=None)
        self.fields["inputs"].queryset = selectors.agenda_candidate_inputs(engagement=engagement)


def _candidate_findings(*, engagement: Engagement, session: AlignmentSession | None) -> Any:
    ids = [f.pk for f in selectors.agenda_candidate_findings(engagement=engagement, session=session)]
    return Finding.objects.filter(pk__in=ids).select_related("workstream_a", "workstream_b").order_by(
        "label", "-score", "id")


class AgendaFindingsForm(forms.Form):
    findings = FindingChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple, label="Open findings")

    def __init__(self, *args: Any, engagement: Engagement, session: AlignmentSession, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = _candidate_findings(engagement=engagement, session=session)


class AgendaInputsForm(forms.Form):
    inputs = InputChoiceField(queryset=Input.objects.none(), label="Submitted inputs",
                              widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args: Any, engagement: Engagement, session: AlignmentSession, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["inputs"].queryset = selectors.agenda_candidate_inputs(engagement=engagement, session=session)


class AgendaPairForm(forms.Form):
    workstream_a = forms.ModelChoiceField(queryset=Workstream.objects.none(), label="Between")
    workstream_b = forms.ModelChoiceField(queryset=Workstream.objects.none(), label="and")

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any):
        super().__init__(*args, **kwargs)
        qs = Workstream.objects.filter(engagement=engagement)
        self.fields["workstream_a"].queryset = qs
        self.fields["workstream_b"].queryset = qs


class PositionForm(forms.Form):
    stance = forms.ChoiceField(choices=Position.Stance.choices, widget=forms.RadioSelect)
    reason = forms.CharField(max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, item: AgendaItem, **kwargs: Any):
        kwargs.setdefault("prefix", f"p{item.pk}")
        super().__init__(*args, **kwargs)


def _outcomes_using(name: str) -> str:
    return " ".join(outcome for outcome, names in DECISION_OUTCOME_FIELDS.items() if name in names)


# What a field the chosen outcome does not use is cleaned to: nothing.
_OUTCOME_FIELD_EMPTY: dict[str, Any] = {"adopted_input": None, "merged_text": "", "due_date": None, "owner": None}


class DecisionForm(forms.Form):
    """Every outcome's fields are in the page; concord.js shows only the chosen outcome's (data-outcomes).

    Without JavaScript all of them show. Either way the server keeps only the chosen outcome's fields:
    clean() drops the others (even unparsable ones), and decision_record/revise say which are missing.
    """

    outcome = forms.ChoiceField(choices=Decision.Outcome.choices,
                                widget=forms.Select(attrs={"data-outcome-switch": ""}))
    rationale = forms.CharField(max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="Required: why this outcome.")
    adopted_input = forms.ModelChoiceField(queryset=Input.objects.none(), required=False,
                                           label="Adopted side (for adopt)")
    merged_text = forms.CharField(max_length=TEXT_MAX, required=False, label="Integrated text (for merge, Markdown)",
                                  widget=forms.Textarea(attrs={"rows": 5}))
    due_date = forms.DateField(required=False, label="Due date (for defer; optional for escalate)",
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False,
                                   label="Owner (for defer; optional for escalate)")
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, item: AgendaItem, engagement: Engagement, members: list[User] | None = None,
                 **kwargs: Any):
        kwargs.setdefault("prefix", f"d{item.pk}")
        super().__init__(*args, **kwargs)
        if item.finding_id:
            f = item.finding
            sides = [(f.input_a, f.workstream_a.name), (f.input_b, f.workstream_b.name)]
        else:
            sides = [(item.input, item.input.workstream.name)]
        self.fields["adopted_input"].queryset = Input.objects.filter(pk__in=[i.pk for i, _ in sides])
        self.fields["owner"].queryset = selectors.engagement_members(engagement=engagement)
        # Choices from what the page already loaded, so rendering many forms costs no queries.
        self.fields["adopted_input"].choices = [("", "---------")] + [
            (i.pk, f"{i.reference} [{ws}] {i.title}") for i, ws in sides]
        if members is not None:
            self.fields["owner"].choices = [("", "---------")] + [(u.pk, str(u)) for u in members]
        for name in _OUTCOME_FIELD_EMPTY:
            self.fields[name].widget.attrs["data-outcomes"] = _outcomes_using(name)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome in DECISION_OUTCOME_FIELDS:
            # A field the outcome does not use may hold anything (it was hidden, or left over from another
            # choice): it neither blocks the form nor reaches the service.
            used = DECISION_OUTCOME_FIELDS[outcome]
            for name, empty in _OUTCOME_FIELD_EMPTY.items():
                if name not in used:
                    self._errors.pop(name, None)
                    cleaned[name] = empty
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"outcome": data["outcome"], "rationale": data["rationale"],
                **{name: data.get(name, empty) for name, empty in _OUTCOME_FIELD_EMPTY.items()}}


class MinutesForm(forms.Form):
    minutes = forms.CharField(label="Minutes (Markdown)", max_length=MINUTES_MAX, required=False,
                              widget=forms.Textarea(attrs={"rows": 16, "hx-trigger": "input changed delay:400ms",
                                                           "hx-target": "#preview", "hx-swap": "innerHTML"}))
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, preview_url: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].widget.attrs["hx-post"] = preview_url
