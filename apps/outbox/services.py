"""Enqueue Celery work through the transactional outbox, and relay it to the broker.

Why: `delay_on_commit` publishes after the commit, so a broker that is down turned a committed write into a
500 (the client retried and duplicated it) and the follow-up work was lost: the detection run stayed
"queued", the e-mail never left. Here the task is a row committed together with the write, so the write
and its follow-up stand or fall together. Right after the commit the row is published (the usual case:
no delay); if the broker is unreachable the request still succeeds and the row waits for the relay,
which runs every OUTBOX_RELAY_SECONDS from Celery beat, when a worker starts, after any later successful
publish, and from `manage.py outbox_relay`. Delivery is at least once: the tasks are idempotent (a
finished run is skipped, a mailed notification is not mailed twice).

Why not django-celery-outbox (the maintained library for this): it replaces the Celery app class,
needs its own always-running relay daemon, and pulls in sentry-sdk, datadog and structlog; the pattern
itself is this one small table and function.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import current_app
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)  # a relay that dies mid-publish leaves its rows to the next one after this
MAX_BACKOFF_SECONDS = 300


def outbox_enqueue(task: Any, *args: Any, **kwargs: Any) -> OutboxMessage:
    """Run `task(*args, **kwargs)` on a worker once the current transaction commits — guaranteed.

    The one way application code enqueues work. Arguments must be JSON (ids, short strings)."""
    with transaction.atomic():  # inside the caller's transaction: a savepoint; outside: its own commit
        message = OutboxMessage.objects.create(task_name=task.name, args=list(args), kwargs=kwargs)
        transaction.on_commit(lambda: outbox_relay(ids=[message.pk], then_backlog=True))
    return message


def _claim(*, ids: list[int] | None, limit: int, ignore_pause: bool = False) -> list[OutboxMessage]:
    now = timezone.now()
    with transaction.atomic():
        pending = OutboxMessage.objects.select_for_update(skip_locked=True).filter(sent_at__isnull=True)
        # Named rows (right after their commit) go at once; the relay takes only rows not leased or paused,
        # unless told to ignore the pause (a worker that just started: the broker is back).
        if ids is not None:
            pending = pending.filter(pk__in=ids)
        elif not ignore_pause:
            pending = pending.exclude(lease_until__gt=now)
        rows = list(pending.order_by("pk")[:limit])
        OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(lease_until=now + LEASE)
    return rows


def _publish(message: OutboxMessage) -> None:
    task = current_app.tasks[message.task_name]
    # retry=False: with the broker down, fail at once and leave the row to the relay instead of holding
    # the web request in kombu's reconnect loop.
    task.apply_async(args=message.args, kwargs=message.kwargs, retry=False)


def outbox_relay(*, ids: list[int] | None = None, limit: int = 200, then_backlog: bool = False,
                 ignore_pause: bool = False) -> int:
    """Publish pending messages (these `ids`, or the oldest due ones); returns how many were published.

    Never raises for a broker failure: the rows stay pending with the error and a growing pause.
    `ignore_pause` also takes rows still paused after a failed publish (or leased by a relay that may have
    died): for a worker that has just connected to the broker, which would otherwise leave them until
    beat's next relay. Delivery stays at least once (the tasks are idempotent)."""
    sent = 0
    eager = current_app.conf.task_always_eager
    rows = _claim(ids=ids, limit=limit, ignore_pause=ignore_pause)
    for index, message in enumerate(rows):
        if eager:
            # No broker (make run, tests): the task runs here and now, as delay_on_commit did; its own errors
            # propagate (CELERY_TASK_EAGER_PROPAGATES) instead of being mistaken for a broker failure.
            OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), lease_until=None,
                                                               attempts=message.attempts + 1)
            sent += 1
            _publish(message)
            continue
        try:
            _publish(message)
        except Exception as exc:  # noqa: BLE001 - any broker/transport error: keep the row for later
            attempts = message.attempts + 1
            pause = timedelta(seconds=min(MAX_BACKOFF_SECONDS, 2 ** min(attempts, 9)))
            OutboxMessage.objects.filter(pk=message.pk).update(
                attempts=attempts, last_error=f"{type(exc).__name__}: {exc}"[:500], lease_until=timezone.now() + pause)
            # The broker is down for the rest of the batch too: release them for the next relay untouched.
            OutboxMessage.objects.filter(pk__in=[r.pk for r in rows[index + 1:]]).update(lease_until=None)
            logger.warning("outbox: could not publish %s #%s (attempt %s): %s; the relay will retry",
                           message.task_name, message.pk, attempts, exc)
            return sent
        OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), lease_until=None,
                                                           attempts=message.attempts + 1)
        sent += 1
    if then_backlog and sent and not eager:
        # The broker is reachable again: flush what waited while it was not (cheap when nothing waits).
        sent += outbox_relay(limit=limit)
    return sent


def outbox_pending_count() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()


def outbox_purge_sent(*, older_than: timedelta = timedelta(days=7)) -> int:
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=timezone.now() - older_than).delete()
    return deleted
