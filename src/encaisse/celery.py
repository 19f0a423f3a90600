"""Celery app: Redis broker when CELERY_BROKER_URL is set, tasks run in-process otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")

app = Celery("encaisse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
