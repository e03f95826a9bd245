"""A real `celery -A config worker` process on a queue of its own.

The integration tests start one against the test database to see tasks cross a
real broker (and to kill it mid-batch); the benchmarks start several to measure
delivery. The worker runs the code of this checkout with this process's
environment and the settings given in `env` (DATABASE_URL, EMAIL_* ...), so the
caller decides which database, broker and mail server it talks to. A private
queue means that a worker or a message left over from another run never takes
the caller's tasks; `delete_queue` removes it afterwards.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from devtools.processes import process_tree, tree_cpu_seconds

ROOT = Path(__file__).resolve().parents[1]


class WorkerProcess:
    """A worker on `queue`, with `concurrency` prefork pool processes and its log in `log_path`."""

    def __init__(
        self,
        *,
        queue: str,
        log_path: Path,
        env: dict[str, str] | None = None,
        name: str = "",
        concurrency: int = 1,
        own_process_group: bool = False,
    ):
        self.queue = queue
        self.log_path = log_path
        # Settings for this worker only, over this process's environment.
        self.env = env or {}
        self.name = name or queue
        self.concurrency = concurrency
        # In a process group of its own, kill() takes the pool children down with the main process.
        self.own_process_group = own_process_group
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the process; wait_ready() waits until it takes tasks."""
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "--loglevel=INFO", f"--concurrency={self.concurrency}", "--pool=prefork",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-Q", self.queue, "--hostname", f"{self.name}@%h",
            ],
            cwd=ROOT, env={**os.environ, **self.env}, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=self.own_process_group,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Worker {self.name} exited early:\n{self.log()}")
            if "ready." in self.log():
                return
            time.sleep(0.1)
        raise RuntimeError(f"Worker {self.name} did not start in {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def pids(self) -> list[int]:
        """The main process and its pool processes; none once it has ended."""
        if not self.process or self.process.poll() is not None:
            return []
        return process_tree(self.process.pid)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the worker and its pool so far."""
        return tree_cpu_seconds(self.process.pid)

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
        """Ask the worker to finish (SIGTERM), and kill it after 30 s."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()


def delete_queue(app, queue: str) -> None:
    """Delete a private queue, its messages and its binding, so nothing piles up in a shared broker."""
    from kombu import Exchange, Queue

    # Declared as the worker declared it (a direct exchange of the same name), so its binding goes too.
    with app.connection_for_write() as conn:
        bound = Queue(queue, Exchange(queue), routing_key=queue)(conn.default_channel)
        bound.declare()
        bound.purge()
        bound.delete()
        bound.exchange.delete()
