"""A real Celery worker process on the configured broker, for tests about delivery.

The worker (devtools.celery_worker) is a separate process started from the same
code, with the test database's address in its environment, so it sees what the
test commits. It listens on a queue of its own, so a worker or message left
over from another run can never take the test's tasks.
"""

import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from devtools.celery_worker import WorkerProcess, delete_queue


def database_url_for_test_db() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    if db["ENGINE"].endswith("postgresql"):
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    raise RuntimeError(f"No worker URL for database engine {db['ENGINE']}")


def start_test_worker(
    queue: str, log_path: Path, *, extra_env: dict[str, str] | None = None, **options
) -> WorkerProcess:
    """Start a worker on the test database and this test's media folder; return it once it takes tasks.

    `extra_env` holds settings for this worker only, e.g. EMAIL_* pointing at a test SMTP server.
    """
    env = {
        "DATABASE_URL": database_url_for_test_db(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **(extra_env or {}),
    }
    worker = WorkerProcess(queue=queue, log_path=log_path, env=env, **options)
    worker.start()
    try:
        worker.wait_ready()
    except RuntimeError:
        worker.stop()
        raise
    return worker


@pytest.fixture
def celery_worker_process(tmp_path, settings):
    """Start a worker on a private queue; the test sends its tasks there."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker = start_test_worker(f"test-{uuid.uuid4().hex[:12]}", tmp_path / "worker.log")
    yield worker
    worker.stop()
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def start_worker(tmp_path, settings):
    """Return a function starting workers on one private queue; all are stopped after the test.

    Workers started here can be given extra environment (`extra_env`) and a
    process group of their own (`own_process_group`), for tests that kill them.
    """
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    queue = f"test-{uuid.uuid4().hex[:12]}"
    workers: list[WorkerProcess] = []

    def start(**options) -> WorkerProcess:
        worker = start_test_worker(queue, tmp_path / f"worker-{len(workers) + 1}.log", **options)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    delete_queue(celery_app, queue)
    celery_app.conf.task_always_eager = previous


def worker_log(workers) -> str:
    return "\n".join(f"--- {w.log_path.name} ---\n{w.log()[-6000:]}" for w in workers)


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return predicate()
