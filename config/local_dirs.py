"""The local folders a process needs (SQLite, the embedded broker, static files), made at start-up.

Settings only name these folders; each entry point (manage.py, the WSGI and
ASGI apps, the Celery worker and beat) makes them before it uses them, so
importing the settings writes nothing to disk.
"""

from pathlib import Path


def ensure_local_dirs() -> None:
    from django.conf import settings

    folders = [Path(settings.VAR_DIR), Path(settings.STATIC_ROOT)]
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    # The embedded broker's folders; a server broker (Redis) has none of these keys.
    keys = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
    folders += [Path(options[key]) for key in keys if options.get(key)]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
