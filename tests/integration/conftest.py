"""A real Celery worker process on the configured broker, for tests about delivery.

The worker is a separate process started from the same code, with the test
database's address in its environment, so it sees what the test commits.
It listens on a queue of its own, so a worker or message left over from
another run can never take the test's tasks.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from kombu import Exchange, Queue

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
    def __init__(
        self,
        queue: str,
        log_path: Path,
        concurrency: int = 1,
        extra_env: dict[str, str] | None = None,
        own_process_group: bool = False,
    ):
        self.queue = queue
        self.log_path = log_path
        self.concurrency = concurrency
        # Settings for this worker only, e.g. EMAIL_* pointing at a test SMTP server.
        self.extra_env = extra_env or {}
        # In a process group of its own, kill() can take the pool children down with the main process.
        self.own_process_group = own_process_group
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": database_url_for_test_db(),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **self.extra_env,
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
            start_new_session=self.own_process_group,
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

    def pids(self) -> list[int]:
        """The main process and every process below it (the prefork pool), read from /proc."""
        if not self.process or self.process.poll() is not None:
            return []
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                # The command name is in parentheses and may hold spaces: split after the last ")".
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # The process ended while being read.
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def kill(self) -> list[int]:
        """SIGKILL the worker and its pool children at once, as a crash or the OOM killer would.

        Return the ids of the processes killed. Nothing gets a chance to finish
        its task, acknowledge a message or close a connection.
        """
        pids = self.pids()
        if self.own_process_group:
            os.killpg(self.process.pid, signal.SIGKILL)
        for pid in pids:
            # Most are already gone with their group; this catches any that left it.
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        return pids

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
        worker = WorkerProcess(queue=queue, log_path=tmp_path / f"worker-{len(workers) + 1}.log", **options)
        workers.append(worker)
        worker.start()
        return worker

    yield start
    for worker in workers:
        worker.stop()
    delete_queue(queue)
    celery_app.conf.task_always_eager = previous


def delete_queue(queue: str) -> None:
    """Delete a private queue with the messages left on it, so they do not pile up in a shared broker."""
    # Declared as the worker declared it (a direct exchange of the same name), so its binding goes too.
    with celery_app.connection_for_write() as conn:
        bound = Queue(queue, Exchange(queue), routing_key=queue)(conn.default_channel)
        bound.declare()
        bound.purge()
        bound.delete()
        bound.exchange.delete()


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
