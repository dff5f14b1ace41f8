"""What counts as an id typed by a client: ASCII digits only, within a database integer's range.

`str.isdigit()` is true for '²' and '٣', which `int()` then rejects or the database cannot compare;
every place that reads an id from a URL, query string or header asks `is_id` instead.
"""
from __future__ import annotations

from typing import Any

ID_MAX_DIGITS = 18  # below PostgreSQL bigint's 9.2e18, so no lookup overflows


def is_id(value: Any) -> bool:
    text = str(value)
    return 0 < len(text) <= ID_MAX_DIGITS and text.isascii() and text.isdigit()
