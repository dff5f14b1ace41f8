"""What other parts of Concord must do when an alignment decision changes: the hook points alignment calls.

Deliverables sit above alignment (sections trace to decisions), so alignment must not import them;
the top floor connects the consequences in `apps/workspace/wiring.py`. Each runs inside the
caller's transaction.
"""
from __future__ import annotations

from apps.core.hooks import Hook

# A decision got a new version (`actor` revised it): whatever was written against an older one turns suspect.
decision_revised = Hook("alignment.decision_revised", "decision", "actor")

# A decision was recorded on an agenda item (outgoing webhooks report it).
decision_recorded = Hook("alignment.decision_recorded", "decision")
