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
    return None


def input_submitted(*, input: Input) -> None:
    return None


def input_withdrawn(*, input: Input) -> None:
    return None


def input_details_changed(*, input: Input) -> None:
    return None
