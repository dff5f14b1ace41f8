"""Helper processes forked from a detection scan: start them, read their results, end them.

A Celery prefork child is a daemonic process, and multiprocessing refuses to start children from
one; os.fork does not ask. The helpers share the index, the candidate lists and the engine's caches
with the worker copy-on-write, compute, send pickled results over a pipe and leave with os._exit:
they never touch the database (the inherited connection stays the worker's; closing it from a
helper would end the worker's session), run no atexit or finaliser, and die with the worker
(PR_SET_PDEATHSIG on Linux, and a broken pipe anyway). Only the worker writes, batch by batch, so
progress and resumption are exactly those of a serial scan; a helper that goes missing makes the
worker finish the scan on its own.
"""
from __future__ import annotations

import contextlib
import gc
import logging
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, Pipe

logger = logging.getLogger(__name__)

LOST = ("lost",)


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - exotic libc
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


class Helper:
    """One forked helper process running `job(k, connection)`; see the comment above."""

    def __init__(self, job: Callable[[int, Connection], None], k: int, siblings: Sequence[Helper]) -> None:
        reader, writer = Pipe(duplex=False)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the helper, which leaves with os._exit
            status = 1
            try:
                reader.close()
                for other in siblings:
                    other.conn.close()  # this process's copies; keeps EOF and EPIPE prompt
                # Not the worker's handlers. A SIGTERM or Ctrl+C sent to the whole group asks the worker
                # for a warm shutdown, which lets the running scan finish: the helpers keep working
                # and end with it. SIGQUIT (cold shutdown) and SIGKILL end them at once.
                for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
                    signal.signal(sig, signal.SIG_IGN)
                signal.signal(signal.SIGQUIT, signal.SIG_DFL)
                _die_with_parent(parent)
                job(k, writer)
                writer.close()
                status = 0
            except BaseException:  # noqa: BLE001 - report and leave; the worker carries on alone
                with contextlib.suppress(BaseException):
                    logger.exception("detection scan helper %s failed", k)
            finally:
                os._exit(status)
        writer.close()
        self.pid, self.conn = pid, reader
        self.thread: threading.Thread | None = None


def fork_helpers(count: int, job: Callable[[int, Connection], None]) -> list[Helper]:
    helpers: list[Helper] = []
    gc.freeze()  # keep the collector from copying the shared pages into every helper
    try:
        for k in range(count):
            helpers.append(Helper(job, k, helpers))
    except BaseException:
        stop(helpers)
        raise
    finally:
        gc.unfreeze()
    return helpers


def stop(helpers: Sequence[Helper]) -> None:
    """End and reap the helpers (done or not), then their reader threads and pipes."""
    for h in helpers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(h.pid, signal.SIGKILL)
    for h in helpers:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(h.pid, 0)
    for h in helpers:
        if h.thread is not None:
            h.thread.join(timeout=10)
        h.conn.close()


def drain(conn: Connection, out: queue.SimpleQueue) -> None:
    """Reader thread: move a helper's results off its pipe as they come, so it never waits for a commit."""
    try:
        while True:
            msg = conn.recv()
            out.put(msg)
            if msg is None:
                return
    except BaseException:  # noqa: BLE001 - EOF (the helper died) or the pipe closed under us
        out.put(LOST)


class HelperLost(Exception):
    """A helper ended before sending what the scan waits for."""
