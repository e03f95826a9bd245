"""Helpers shared by the benchmark scripts: a database to run on, an SMTP sink, the servers' CPU time.

Worker processes and the CPU time of a process tree come from devtools, which
the integration tests use too. Run as a script (`python benchmarks/_common.py
sink --port N`) this module is the SMTP sink itself: an aiosmtpd server in a
process of its own, so that receiving mail does not take CPU time (or the GIL)
from the process being measured.
"""

import argparse
import contextlib
import json
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # Run as the sink script, only benchmarks/ is on the path.

from devtools.processes import stat_fields, tree_cpu_seconds  # noqa: E402


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


# CPU time of local servers ------------------------------------------------------------------


def server_pids(name: str) -> list[int]:
    """Top processes of a local server by command name (postgres, redis-server); the rest are below them."""
    found = {}
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == name:
                found[int(comm.parent.name)] = int(stat_fields(int(comm.parent.name))[1])
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
