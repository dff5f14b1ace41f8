"""Queueing a Celery task by its registered name, once the current transaction commits.

A task module imports the services it runs, so a service that queues one of its app's tasks names
it instead of importing it back (that import would close a services ↔ tasks cycle). The app's
AppConfig.ready imports its tasks module, so the name is registered before any request or worker
runs; an unknown name fails loudly.
"""
from __future__ import annotations

from typing import Any

from celery import Task, current_app


def registered_task(task_name: str) -> Task:
    return current_app.tasks[task_name]  # KeyError: the app's tasks module was not imported in ready()


def enqueue_on_commit(task_name: str, *args: Any) -> None:
    registered_task(task_name).delay_on_commit(*args)
