"""Hook points conflicts calls when findings change; the top floor connects them (apps/workspace/wiring.py).

Each runs inside the detection batch's transaction.
"""
from __future__ import annotations

from apps.core.hooks import Hook

# New findings were opened by a detection run (outgoing webhooks report each one).
findings_opened = Hook("conflicts.findings_opened", "findings", "engagement_id")
