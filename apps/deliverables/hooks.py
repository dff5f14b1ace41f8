"""Hook points deliverables calls; the top floor connects them (apps/workspace/wiring.py).

Each runs inside the caller's transaction.
"""
from __future__ import annotations

from apps.core.hooks import Hook

# A version was published (outgoing webhooks report it).
version_published = Hook("deliverables.version_published", "version")
