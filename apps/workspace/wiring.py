"""The consequences of a change in one app for the apps above it, in one list.

Lower apps declare hook points (`apps/inputs/hooks.py`, `apps/alignment/hooks.py`) and call them
inside their own transactions; only the top floor may import every app, so it connects them here,
once, when Django starts (`WorkspaceConfig.ready`). The order below is the order they run in.
"""
from __future__ import annotations

from apps.accounts.models import User
from apps.alignment import hooks as alignment_hooks
from apps.alignment.models import Decision
from apps.alignment.services import decisions_mark_suspect_for_revision
from apps.approvals import hooks as approval_hooks
from apps.conflicts import hooks as conflict_hooks
from apps.conflicts import services as conflicts
from apps.deliverables import hooks as deliverable_hooks
from apps.deliverables.services import tracelinks_mark_suspect_for_decision, tracelinks_mark_suspect_for_revision
from apps.inputs import hooks as input_hooks
from apps.inputs.models import InputRevision
from apps.webhooks import services as webhooks


def revision_created(*, revision: InputRevision, previous: InputRevision | None) -> None:
    tracelinks_mark_suspect_for_revision(revision=revision)  # sections written against older revisions
    decisions_mark_suspect_for_revision(revision=revision, actor=revision.author)  # decisions resting on them
    conflicts.detection_revision_created(revision=revision, previous=previous)  # old findings superseded; recheck


def decision_revised(*, decision: Decision, actor: User) -> None:
    tracelinks_mark_suspect_for_decision(decision=decision, actor=actor)  # sections written against older versions


def connect() -> None:
    input_hooks.revision_created.connect(revision_created)
    input_hooks.input_submitted.connect(conflicts.detection_input_submitted)  # incremental check after commit
    input_hooks.input_withdrawn.connect(conflicts.detection_input_withdrawn)  # its open findings → superseded
    input_hooks.input_details_changed.connect(conflicts.detection_input_details_changed)  # priority/kind: recheck
    alignment_hooks.decision_revised.connect(decision_revised)
    # Outgoing webhooks: deliveries written in the transaction of the change, sent by Celery after commit.
    conflict_hooks.findings_opened.connect(webhooks.findings_opened)
    alignment_hooks.decision_recorded.connect(webhooks.decision_recorded)
    deliverable_hooks.version_published.connect(webhooks.version_published)
    approval_hooks.signature_created.connect(webhooks.signature_created)
