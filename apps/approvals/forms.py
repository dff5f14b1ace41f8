from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.deliverables.models import DeliverableVersion

from .models import COVER_NOTE_MAX, ApprovalSubmission, Signature


class ApproverChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        org = getattr(obj, "organization_name", "")
        return f"{obj.full_name or obj.email} ({org})" if org else (obj.full_name or obj.email)


class SubmitForm(forms.Form):
    approvers = ApproverChoiceField(queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
                                    help_text="Approvers of this engagement who must sign.")
    policy = forms.ChoiceField(choices=ApprovalSubmission.Policy.choices, widget=forms.RadioSelect,
                               label=_("Approval policy"))
    cover_note = forms.CharField(required=False, max_length=COVER_NOTE_MAX, label=_("Cover note"),
                                 widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("Shown to the approvers with the request and kept with it: what changed "
                                             "since their last signature, what to look at first."))

    def __init__(self, *args: Any, approver_users: Any, default_policy: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["approvers"].queryset = approver_users
        self.fields["policy"].initial = default_policy
        only = list(approver_users[:2])
        if len(only) == 1:  # nobody else to choose: the one approver is ticked already
            self.fields["approvers"].initial = [only[0].pk]


class SignForm(forms.Form):
    meaning = forms.ChoiceField(choices=Signature.Meaning.choices, widget=forms.RadioSelect,
                                label="Your decision")
    comment = forms.CharField(required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 5}),
                              label="Comment",
                              help_text="Required to request changes: each line becomes one item of the PMO's "
                                        "checklist. Start a line with a section heading and a colon "
                                        "(e.g. “Security: …”) to tie it to that section.")
    password = forms.CharField(required=False, strip=False, label="Your password (to sign)",
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                               help_text="Signing asks for your password again, even though you are signed in.")


class CommentForm(forms.Form):
    section_heading = forms.ChoiceField(label="Section")
    body = forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 3}), label="Comment")

    def __init__(self, *args: Any, headings: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["section_heading"].choices = [("", "Whole document")] + [(h, h) for h in headings]
        self.fields["section_heading"].required = False


class AddressForm(forms.Form):
    version = forms.ModelChoiceField(queryset=DeliverableVersion.objects.none(), required=False,
                                     label="Addressed in", empty_label="— not addressed —")
    note = forms.CharField(required=False, max_length=5000, label="Note")

    def __init__(self, *args: Any, versions: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions
        self.fields["version"].label_from_instance = lambda v: f"v{v.number}"
