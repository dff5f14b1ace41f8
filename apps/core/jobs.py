"""Queueing a Celery task by its registered name, once the current transaction commits — the one helper.

A task module imports the services it runs, so a service that queues one of its app's tasks names
it instead of importing it back (that import would close a services ↔ tasks cycle). The app's
AppConfig.ready imports its tasks module, so the name is registered before any request or worker
runs; an unknown name fails loudly.

The task goes through the transactional outbox (apps.outbox): it is a row of the caller's transaction,
published right after the commit, and relayed later if the broker is down then, so a committed write
never loses its follow-up work and a broker outage never turns a committed write into an error.
"""
from __future__ import annotations

from typing import Any

from celery import Task, current_app

from apps.outbox.services import outbox_enqueue


def registered_task(task_name: str) -> Task:
    return current_app.tasks[task_name]  # KeyError: the app's tasks module was not imported in ready()


def enqueue_on_commit(task_name: str, *args: Any) -> None:
    outbox_enqueue(registered_task(task_name), *args)
