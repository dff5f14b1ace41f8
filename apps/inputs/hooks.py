"""What other parts of Concord must do when an input changes.

Explicit calls rather than Django signals, so the chain of consequences of a revision can be
read in one place. Each consequence runs inside the caller's transaction; background work is
enqueued on commit by the called service.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Input, InputRevision


def revision_created(*, revision: InputRevision, previous: InputRevision | None) -> None:
    from apps.deliverables.services import tracelinks_mark_suspect_for_revision  # links/decisions → suspect
    tracelinks_mark_suspect_for_revision(revision=revision)
    from apps.conflicts import services as conflicts  # old revision's findings → superseded; recheck
    conflicts.detection_revision_created(revision=revision, previous=previous)
    return None


def input_submitted(*, input: Input) -> None:
    from apps.conflicts import services as conflicts  # incremental check after commit
    conflicts.detection_input_submitted(input=input)


def input_withdrawn(*, input: Input) -> None:
    from apps.conflicts import services as conflicts  # its open findings → superseded
    conflicts.detection_input_withdrawn(input=input)


def input_details_changed(*, input: Input) -> None:
    from apps.conflicts import services as conflicts  # priority/kind feed detection: recheck
    conflicts.detection_input_details_changed(input=input)
