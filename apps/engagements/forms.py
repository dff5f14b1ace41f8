from __future__ import annotations

from typing import Any

from django import forms

from apps.accounts.models import Role

from .models import Engagement, Workstream


class EngagementForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    organization = forms.CharField(max_length=150, label="Your organization")


class ObjectiveForm(forms.Form):
    code = forms.CharField(max_length=20, help_text="Short reference, e.g. OBJ-1")
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)


class WorkstreamForm(forms.Form):
    name = forms.CharField(max_length=80)
    description = forms.CharField(required=False, max_length=5000)


class InviteForm(forms.Form):
    email = forms.EmailField()
    full_name = forms.CharField(max_length=150, required=False,
                                help_text="Used only if this address has no Concord account yet")
    organization = forms.CharField(max_length=150, help_text="The company this person works for")
    role = forms.ChoiceField(choices=Role.choices)
    workstream = forms.ModelChoiceField(queryset=Workstream.objects.none(), required=False,
                                        help_text="Required for leads and contributors")

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["workstream"].queryset = Workstream.objects.filter(engagement=engagement)
