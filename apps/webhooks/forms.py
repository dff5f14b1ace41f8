from __future__ import annotations

from django import forms

from .models import Event


class WebhookForm(forms.Form):
    url = forms.CharField(max_length=500, label="Receiver URL", widget=forms.URLInput(attrs={"placeholder": "https://"}),
                          help_text="http(s) only; private and internal addresses are refused.")
    description = forms.CharField(max_length=200, required=False, label="Description")
    events = forms.MultipleChoiceField(choices=Event.choices, widget=forms.CheckboxSelectMultiple, label="Events",
                                       initial=list(Event.values))
