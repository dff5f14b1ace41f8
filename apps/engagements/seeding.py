"""Demo data that later capabilities add on top of the base scenario (each step idempotent)."""
from __future__ import annotations

from typing import Any


def seed_engagement_extras(*, stdout: Any) -> None:
    return None
