from __future__ import annotations

from typing import Any

from django import forms

from .models import NotificationKind


class EmailPreferencesForm(forms.Form):
    """One checkbox per kind: checked means 'also send me an e-mail'."""

    def __init__(self, *args: Any, current: dict[str, bool], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.BooleanField(required=False, label=label, initial=current.get(kind, True))
