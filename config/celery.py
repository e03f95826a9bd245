"""Celery application: configured from Django settings under the CELERY_ namespace."""

import os

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hoinghi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def _make_local_dirs(**kwargs) -> None:
    from config.local_dirs import ensure_local_dirs

    ensure_local_dirs()
