"""Hook points: how a lower app lets the apps above it react to its changes without importing them.

Concord's apps form layers (see `[tool.importlinter]` in pyproject.toml): an input change has
consequences in conflicts, alignment and deliverables, which all import inputs, so inputs must not
import them back. The lower app declares a hook and calls it inside its own transaction; the top
floor connects the consequences once, in one readable list (`apps/workspace/wiring.py`).

Unlike Django signals, a hook names the keyword arguments it passes, refuses a receiver that cannot
take them at connect time, and refuses to fire with nobody connected: a consequence is never
skipped silently because the wiring did not run.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured


class Hook:
    def __init__(self, name: str, *arguments: str) -> None:
        self.name = name
        self.arguments = arguments
        self._receivers: list[Callable[..., Any]] = []

    def connect(self, receiver: Callable[..., Any]) -> Callable[..., Any]:
        """Add a receiver (once; connecting it again changes nothing). Usable as a decorator."""
        try:
            inspect.signature(receiver).bind(**dict.fromkeys(self.arguments))
        except TypeError as exc:
            raise ImproperlyConfigured(f"{receiver!r} cannot receive hook {self.name}({', '.join(self.arguments)}): "
                                       f"{exc}") from exc
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    @property
    def receivers(self) -> tuple[Callable[..., Any], ...]:
        return tuple(self._receivers)

    def __call__(self, **kwargs: Any) -> None:
        if set(kwargs) != set(self.arguments):
            raise TypeError(f"hook {self.name} takes {', '.join(self.arguments)}; got {', '.join(sorted(kwargs))}")
        if not self._receivers:
            raise ImproperlyConfigured(f"hook {self.name} has no receivers: is apps.workspace in INSTALLED_APPS?")
        for receiver in self._receivers:  # in connection order, inside the caller's transaction
            receiver(**kwargs)
