"""The outbox relay on the worker side: every OUTBOX_RELAY_SECONDS (beat) and whenever a worker starts."""
from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.db import close_old_connections

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="outbox.relay", ignore_result=True)
def relay() -> int:
    published = services.outbox_relay()
    services.outbox_purge_sent()
    return published


@worker_ready.connect
def _relay_on_start(sender=None, **kwargs) -> None:  # noqa: ANN001 - Celery's signal signature
    """What waited while the broker (or every worker) was down goes out as soon as a worker is back."""
    try:
        close_old_connections()
        # The pause after a failed publish is for a broker that is down; this worker just reached it.
        published = services.outbox_relay(ignore_pause=True)
        if published:
            logger.info("outbox: relayed %s waiting task(s) on start-up", published)
    except Exception:  # noqa: BLE001 - best effort; beat's relay tries again
        logger.exception("outbox: relay on start-up failed")
    finally:
        close_old_connections()
