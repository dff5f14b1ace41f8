"""Celery application. Without REDIS_URL tasks run eagerly in-process (same code path)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo_site.settings")

# DjangoTask gives every task `delay_on_commit`, so work is enqueued only after the
# transaction that created its data has committed.
app = Celery("concord", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
