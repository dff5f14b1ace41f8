"""What other parts of Concord must do when an input changes: the hook points inputs calls.

The consequences live in the apps above inputs (conflicts, alignment, deliverables), which inputs
must not import; the top floor connects them in one readable list, `apps/workspace/wiring.py`.
Each consequence runs inside the caller's transaction; background work is enqueued on commit by
the called service.
"""
from __future__ import annotations

from apps.core.hooks import Hook

# A new revision of an input was saved (`previous` is the one it replaces, None for the first).
revision_created = Hook("inputs.revision_created", "revision", "previous")
# A draft input was submitted to the other workstreams.
input_submitted = Hook("inputs.input_submitted", "input")
# An input was withdrawn.
input_withdrawn = Hook("inputs.input_withdrawn", "input")
# An input's details that are not its text (priority, kind, tags) changed.
input_details_changed = Hook("inputs.input_details_changed", "input")
