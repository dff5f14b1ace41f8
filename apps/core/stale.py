"""Refusing a stale edit: one mechanism for inputs, deliverable sections, session minutes and decisions.

An edit names the revision it was made on. If someone saved in between, the edit is refused with a
StaleRevisionError carrying the current text (HTML: the form again with the newer text beside it,
409; API: 412 with If-Match or 409 with a body field), and nothing is overwritten.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import ApplicationError, StaleRevisionError
from .hashing import sha256_text


@dataclass(frozen=True)
class CurrentText:
    """The current text of something edited in place, shaped like an input revision (what the stale-edit
    form and `core.api.revision_payload` read)."""

    number: int
    title: str
    body: str
    author: Any  # a User, or a name when nobody is recorded
    created_at: dt.datetime | None

    @property
    def body_sha256(self) -> str:
        return sha256_text(self.body)


def refuse_stale_edit(*, expected: int | None, current: int, field: str, missing: str, stale: str,
                      current_text: Callable[[], Any]) -> None:
    """Raise unless the editor says which revision they edited (`missing`) and it is still `current` (`stale`)."""
    if expected is None:
        raise ApplicationError(missing, field=field)
    if expected != current:
        raise StaleRevisionError(stale, current=current_text())
