"""Sign-off reads, scoped to the asker (`apps.core.scope.Scope`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from apps.accounts.models import Membership, Role
from apps.core.diff import DiffRow, diff_rows
from apps.core.scope import Scope
from apps.deliverables.compare import pair_sections, pair_state
from apps.deliverables.models import Deliverable, DeliverableVersion
from apps.deliverables.selectors import version_get, version_list  # noqa: F401 - one scoped read of versions

from .models import ApprovalSubmission, ChangeRequestItem, SectionComment, Signature


def signature_list(*, scope: Scope, version_id: int | None = None) -> QuerySet[Signature]:
    qs = Signature.objects.filter(scope.q("version__deliverable__engagement"))
    if version_id is not None:
        qs = qs.filter(version_id=version_id)
    return qs.select_related("version__deliverable", "signer").order_by("-signed_at", "-id")


def signatures_for_version(*, version: DeliverableVersion) -> list[Signature]:
    """In signing order: the order a signature page lists them."""
    return list(Signature.objects.filter(version=version).order_by("signed_at", "id"))


def submission_list(*, scope: Scope, status: str | None = None) -> QuerySet[ApprovalSubmission]:
    qs = ApprovalSubmission.objects.filter(scope.q("version__deliverable__engagement"))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("version__deliverable", "submitted_by").prefetch_related(
        "approvers", Prefetch("signatures", queryset=Signature.objects.order_by("signed_at", "id")))


def current_submission(*, version: DeliverableVersion) -> ApprovalSubmission | None:
    return (ApprovalSubmission.objects.filter(version=version).select_related("submitted_by")
            .prefetch_related("approvers").order_by("-created_at", "-id").first())


def change_item_list(*, scope: Scope, open_only: bool = False) -> QuerySet[ChangeRequestItem]:
    qs = ChangeRequestItem.objects.filter(scope.q("signature__version__deliverable__engagement"))
    if open_only:
        qs = qs.filter(addressed_in__isnull=True)
    return qs.select_related("signature__version__deliverable", "addressed_in", "addressed_by")


def change_items_for_deliverable(*, deliverable: Deliverable) -> QuerySet[ChangeRequestItem]:
    return ChangeRequestItem.objects.filter(signature__version__deliverable=deliverable).select_related(
        "signature__version", "addressed_in", "addressed_by")


def section_comments(*, version: DeliverableVersion) -> QuerySet[SectionComment]:
    return SectionComment.objects.filter(version=version).select_related("author")


def approvers_of(*, scope: Scope) -> QuerySet[Membership]:
    return (Membership.objects.filter(scope.q(), role=Role.APPROVER, user__is_active=True)
            .select_related("user", "organization").order_by("user__full_name"))


def last_approved_version(*, deliverable: Deliverable, before_number: int | None = None
                          ) -> DeliverableVersion | None:
    qs = DeliverableVersion.objects.filter(deliverable=deliverable,
                                           submissions__status=ApprovalSubmission.Status.APPROVED)
    if before_number is not None:
        qs = qs.filter(number__lt=before_number)
    return qs.order_by("-number").first()


# --- section diff --------------------------------------------------------------------------

@dataclass
class SectionDiff:
    heading: str
    status: str  # "same" | "changed" | "renamed" | "added" | "removed"
    old_heading: str = ""
    rows: list[DiffRow] = field(default_factory=list)


def section_diff(*, old_sections: list[dict[str, Any]] | None, new_sections: list[dict[str, Any]]) -> list[SectionDiff]:
    """Section by section: paired by section id (or heading), then renamed ones by their text
    (apps.deliverables.compare), in the new version's order, removed sections last. Only sections whose
    text changed carry diff rows."""
    def ordered(sections: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        return sorted(sections or [], key=lambda s: (s.get("order", 0), str(s.get("heading", ""))))

    out: list[SectionDiff] = []
    for old, new in pair_sections(ordered(old_sections), ordered(new_sections)):
        state = pair_state(old, new)
        old_body, new_body = (old or {}).get("body", ""), (new or {}).get("body", "")
        unchanged_text = old_body == new_body and state != "removed"
        out.append(SectionDiff((new or old or {}).get("heading", ""), state,
                               old_heading=(old or {}).get("heading", "") if state != "added" else "",
                               rows=[] if unchanged_text else diff_rows(old_body, new_body)))
    return out


# --- approval status -----------------------------------------------------------------------

@dataclass
class VersionState:
    version: DeliverableVersion
    status: str  # approval status of its latest submission, or "not_submitted"
    signatures: list[Signature]

    @property
    def approved_by(self) -> list[Signature]:
        return [s for s in self.signatures if s.meaning == Signature.Meaning.APPROVED]


def version_states(*, deliverable: Deliverable) -> list[VersionState]:
    """Every version of a deliverable, newest first, with its latest submission's status and signatures
    (three queries whatever the number of versions)."""
    versions = list(DeliverableVersion.objects.filter(deliverable=deliverable).defer("rendered_html",
                                                                                     "markdown_source")
                    .order_by("-number"))
    # Filtering by the deliverable (not by a list of ids) keeps the count at three even with no version.
    latest: dict[int, str] = {}
    for sub in ApprovalSubmission.objects.filter(version__deliverable=deliverable).order_by("created_at", "id"):
        latest[sub.version_id] = sub.status
    sigs: dict[int, list[Signature]] = {}
    for sig in Signature.objects.filter(version__deliverable=deliverable).order_by("signed_at", "id"):
        sigs.setdefault(sig.version_id, []).append(sig)
    return [VersionState(v, latest.get(v.pk, "not_submitted"), sigs.get(v.pk, [])) for v in versions]


def _signers(signatures: list[Signature]) -> str:
    return ", ".join(f"{s.signer_name} ({s.signer_organization})" for s in signatures)


def approval_status_line(*, deliverable: Deliverable) -> str:
    """One sentence for the deliverable's page, e.g.
    "v3 approved by Claire Ustinov (Northwind Retail) on 25 Nov 2026 14:03 UTC; v4 awaiting approval".

    A signature never moves: it stays on the version it was given to; newer versions are
    described on their own terms.
    """
    states = version_states(deliverable=deliverable)
    if not states:
        return "No version published yet."
    parts: list[str] = []
    approved = next((s for s in states if s.status == ApprovalSubmission.Status.APPROVED), None)
    for state in states:
        if approved is not None and state.version.number <= approved.version.number:
            break
        label = f"v{state.version.number}"
        if state.status == ApprovalSubmission.Status.PENDING:
            signed = [s for s in state.signatures if s.meaning == Signature.Meaning.APPROVED]
            extra = f" (approved so far by {_signers(signed)})" if signed else ""
            parts.append(f"{label} awaiting approval{extra}")
        elif state.status == ApprovalSubmission.Status.CHANGES_REQUESTED:
            by = [s for s in state.signatures if s.meaning == Signature.Meaning.CHANGES_REQUESTED]
            parts.append(f"{label}: changes requested by {_signers(by)}")
        elif state.status == ApprovalSubmission.Status.REJECTED:
            by = [s for s in state.signatures if s.meaning == Signature.Meaning.REJECTED]
            parts.append(f"{label} rejected by {_signers(by)}")
        elif state.status == ApprovalSubmission.Status.WITHDRAWN:
            parts.append(f"{label} not approved (request withdrawn)")
        else:
            parts.append(f"{label} not submitted for approval")
    parts.reverse()  # oldest first, after the approved one
    if approved is not None:
        last = max(approved.approved_by, key=lambda s: (s.signed_at, s.pk)) if approved.approved_by else None
        when = f" on {last.signed_at:%d %b %Y %H:%M} UTC" if last else ""
        head = f"v{approved.version.number} approved by {_signers(approved.approved_by)}{when}"
    else:
        head = "No version approved yet"
    return "; ".join([head, *parts])
