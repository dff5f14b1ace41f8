from __future__ import annotations

from typing import Any

from django import forms

from apps.accounts import policies
from apps.accounts.models import Membership
from apps.engagements.models import Engagement, Workstream

from .readers.tabular import FIELD_LABELS, FIELDS, REQUIRED


class UploadForm(forms.Form):
    workstream = forms.ModelChoiceField(queryset=Workstream.objects.none(), label="Into workstream")
    file = forms.FileField(label="File (.csv, .xlsx, .docx, .reqif)",
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.docx,.reqif,.xml"}))
    source_system = forms.CharField(
        required=False, max_length=100, label="Source system",
        help_text="Names the tool the identifiers belong to (default: the file name; 'reqif' for ReqIF). "
                  "Re-importing with the same source updates the same inputs.")
    submit = forms.BooleanField(required=False, initial=True, label="Submit the imported inputs (conflict checks run)")

    def __init__(self, *args: Any, engagement: Engagement, membership: Membership, **kwargs: Any):
        super().__init__(*args, **kwargs)
        qs = Workstream.objects.filter(engagement=engagement)
        if not policies.is_pmo(membership):
            qs = qs.filter(pk=membership.workstream_id)
        self.fields["workstream"].queryset = qs
        if qs.count() == 1:
            self.fields["workstream"].initial = qs.first()


class MappingForm(forms.Form):
    """One select per field, offering the file's column headers."""

    def __init__(self, *args: Any, headers: list[str], initial_mapping: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [("", "— not in the file —")] + [(h, h) for h in headers if h]
        for fld in FIELDS:
            self.fields[fld] = forms.ChoiceField(
                choices=choices, required=False, initial=initial_mapping.get(fld, ""),
                label=f"{FIELD_LABELS[fld]} column" + (" (required)" if fld in REQUIRED else ""))

    def mapping(self) -> dict[str, str]:
        return {fld: self.cleaned_data.get(fld, "") for fld in FIELDS if self.cleaned_data.get(fld)}
