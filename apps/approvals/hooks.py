"""Hook points approvals calls; the top floor connects them (apps/workspace/wiring.py).

Each runs inside the signing transaction.
"""
from __future__ import annotations

from apps.core.hooks import Hook

# A signature was recorded on a published version (outgoing webhooks report it).
signature_created = Hook("approvals.signature_created", "signature")
