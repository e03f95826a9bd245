"""Helpers shared by the benchmark scripts: a database to run on, an SMTP sink, worker processes, CPU time.

Run as a script (`python benchmarks/_common.py sink --port N`) it is the SMTP
sink itself: an aiosmtpd server in a process of its own, so that receiving
mail does not take CPU time (or the GIL) from the process being measured.
"""

import argparse
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _postgres_server(url: str):
    """Connect to the maintenance database of the server in a postgres:// URL; return it and the name."""
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(url)
    if not db["ENGINE"].endswith("postgresql"):
        return None, db["NAME"]
    conn = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    return conn, db["NAME"]


def ensure_postgres_database(url: str) -> bool:
    """Create the database named in a postgres:// URL if it does not exist; return True if created."""
    conn, name = _postgres_server(url)
    if conn is None:
        return False
    with conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def drop_postgres_database(url: str) -> None:
    conn, name = _postgres_server(url)
    if conn is not None:
        with conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stale_tables() -> list[str]:
    """Tables missing a column their model has: the database was migrated with an older migration file.

    Before the first release the initial migrations are regenerated in place, so
    `migrate` alone cannot bring an old benchmark database up to date.
    """
    from django.apps import apps
    from django.db import connection

    stale = []
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for model in apps.get_models():
            if not model._meta.managed or model._meta.proxy or model._meta.db_table not in tables:
                continue
            columns = {
                c.name for c in connection.introspection.get_table_description(cursor, model._meta.db_table)
            }
            if {f.column for f in model._meta.concrete_fields} - columns:
                stale.append(model._meta.db_table)
    return stale


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# CPU time ------------------------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str]:
    # The command name is in parentheses and may hold spaces: split after the last ")".
    text = Path(f"/proc/{pid}/stat").read_text()
    return text.rsplit(")", 1)[1].split()


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(_stat_fields(int(stat.parent.name))[1])
        except (OSError, IndexError, ValueError):
            continue  # The process ended while being read.
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, its live descendants and the children it has reaped."""
    total = 0
    for index, member in enumerate(process_tree(pid)):
        try:
            fields = _stat_fields(member)
        except OSError:
            continue
        # After the ")": state is field 3 of proc(5), so utime (14) is index 11 here.
        utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
        total += utime + stime
        if index == 0:
            # Children already reaped by the main process (a replaced pool process) count too.
            total += cutime + cstime
    return total / CLOCK_TICKS


def server_pids(name: str) -> list[int]:
    """Top processes of a local server by command name (postgres, redis-server); the rest are below them."""
    found = {}
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == name:
                found[int(comm.parent.name)] = int(_stat_fields(int(comm.parent.name))[1])
        except (OSError, IndexError, ValueError):
            continue
    return [pid for pid, parent in found.items() if parent not in found]


def servers_cpu_seconds(name: str) -> float:
    """CPU time of a local server and everything it runs, ended connections included (0 if not local)."""
    total = 0.0
    for pid in server_pids(name):
        with contextlib.suppress(OSError):
            total += tree_cpu_seconds(pid)
    return total


# Worker processes ------------------------------------------------------------------------------


class Worker:
    """A `celery -A config worker` process on one queue, with its own environment."""

    def __init__(self, *, name: str, queue: str, log_path: Path, env: dict[str, str], concurrency: int = 1):
        self.name = name
        self.queue = queue
        self.log_path = log_path
        self.env = env
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "--loglevel=INFO", f"--concurrency={self.concurrency}", "--pool=prefork",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-Q", self.queue, "--hostname", f"{self.name}@%h",
            ],
            cwd=ROOT, env={**os.environ, **self.env}, stdout=self._log, stderr=subprocess.STDOUT,
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

    def cpu_seconds(self) -> float:
        return tree_cpu_seconds(self.process.pid)

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


def delete_queue(app, queue: str) -> None:
    """Delete a private queue, its messages and its binding, so nothing piles up in the broker."""
    from kombu import Exchange, Queue

    with app.connection_for_write() as conn:
        bound = Queue(queue, Exchange(queue), routing_key=queue)(conn.default_channel)
        bound.declare()
        bound.purge()
        bound.delete()
        bound.exchange.delete()


# The SMTP sink -----------------------------------------------------------------------------------


class SinkProcess:
    """Start the SMTP sink in a process of its own; on exit, `stats` holds what it received."""

    def __init__(self, port: int = 0):
        self.port = port or free_port()
        self.stats: dict = {}

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, __file__, "sink", "--port", str(self.port)],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line.startswith("ready"):
            self.process.kill()
            raise RuntimeError(f"The SMTP sink did not start: {line!r}")
        return self

    def cpu_seconds(self) -> float:
        return tree_cpu_seconds(self.process.pid)

    def __exit__(self, *exc_info):
        self.process.send_signal(signal.SIGTERM)
        out, _ = self.process.communicate(timeout=30)
        with contextlib.suppress(ValueError):
            self.stats = json.loads(out.strip().splitlines()[-1])


MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class CountingHandler:
    """Accept everything; keep only counts, so the sink does as little work per message as it can."""

    def __init__(self):
        self.messages = 0
        self.message_ids: set[bytes] = set()
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        header_end = envelope.content.find(b"\r\n\r\n")
        found = MESSAGE_ID.search(envelope.content, 0, header_end if header_end > 0 else None)
        if found:
            self.message_ids.add(found.group(1))
        return "250 2.0.0 Ok: queued"


def serve_sink(port: int) -> None:
    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    controller.start()
    print("ready", flush=True)
    stopped.wait()
    controller.stop()
    stats = {
        "messages": handler.messages,
        "distinct_message_ids": len(handler.message_ids),
        "connections": handler.connections,
    }
    print(json.dumps(stats), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["sink"])
    parser.add_argument("--port", type=int, required=True)
    arguments = parser.parse_args()
    serve_sink(arguments.port)
