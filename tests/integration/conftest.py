"""A real Celery worker process on the configured broker, for tests about delivery.

The worker is a separate process started from the same code, with the test
database's address in its environment, so it sees what the test commits.
It listens on a queue of its own, so a worker or message left over from
another run can never take the test's tasks.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def database_url_for_test_db() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    if db["ENGINE"].endswith("postgresql"):
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    raise RuntimeError(f"No worker URL for database engine {db['ENGINE']}")


class WorkerProcess:
    def __init__(self, queue: str, log_path: Path, concurrency: int = 1):
        self.queue = queue
        self.log_path = log_path
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": database_url_for_test_db(),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        }
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "--loglevel=INFO", f"--concurrency={self.concurrency}", "--pool=prefork",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-Q", self.queue, "--hostname", f"test-{self.queue}@%h",
            ],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Worker exited early:\n{self.log()}")
            if "ready." in self.log():
                return
            time.sleep(0.2)
        raise RuntimeError(f"Worker did not start in 60 s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()


@pytest.fixture
def celery_worker_process(tmp_path, settings):
    """Start a worker on a private queue; the test sends its tasks there."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker = WorkerProcess(queue=f"test-{uuid.uuid4().hex[:12]}", log_path=tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.stop()
    celery_app.conf.task_always_eager = previous


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return predicate()
