"""Live progress of a running import, readable while its single transaction is still open.

The import writes every input in one transaction, so progress written to its own row would stay
invisible until the end. It goes to Redis instead (the broker Concord already runs) when
`REDIS_URL` is set; without a broker, tasks run inside the requesting process and a dict serves.
"""
from __future__ import annotations

import contextlib
from functools import cache
from typing import Any

from django.conf import settings

_LOCAL: dict[int, tuple[int, int]] = {}
TTL_SECONDS = 24 * 3600


@cache
def _redis() -> Any:
    if not getattr(settings, "REDIS_URL", None):
        return None
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def _key(job_id: int) -> str:
    return f"concord:import-progress:{job_id}"


def progress_set(job_id: int, *, processed: int, total: int) -> None:
    client = _redis()
    if client is None:
        _LOCAL[job_id] = (processed, total)
        return
    with contextlib.suppress(Exception):  # progress is a courtesy; never fail an import over it
        client.set(_key(job_id), f"{processed}/{total}", ex=TTL_SECONDS)


def progress_get(job_id: int) -> tuple[int, int] | None:
    client = _redis()
    if client is None:
        return _LOCAL.get(job_id)
    try:
        raw = client.get(_key(job_id))
    except Exception:  # noqa: BLE001 - no progress shown rather than an error page
        return None
    if not raw:
        return None
    done, _, total = raw.decode().partition("/")
    return int(done), int(total)
