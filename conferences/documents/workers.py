"""Processes that render chunks of documents (certificates, the proceedings' body, long documents).

Spawned, never forked: forking after WeasyPrint's set-up has crashed workers. A spawned process
imports this module before Django is set up, so it imports nothing of Django or the app at module
level: `setup` runs first, then each task's handler module is imported by name. The calling
process takes chunks from the same queue as its helpers, so no chunk waits for a helper that is
still starting.

Two kinds of helpers. `run_chunks` starts its own for one call and kills them after: a second
costs about a second of start-up, which a build of many seconds (proceedings, certificates) earns
back. A worker process may also keep helpers for its whole life (`keep_helpers`, at Celery's
worker_process_init): started once and warm, they make a document of about a second worth
cutting in two (documents/chunks.py), which the start-up would otherwise cost more than it saves;
a call in a process that keeps helpers uses them rather than starting its own.
"""

import contextlib
import importlib
import itertools
import threading


def setup(database_name: str | None = None) -> None:
    """Set Django up once per process, on the caller's database when it names another one (tests)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if database_name:
        from django.db import connections

        connections["default"].settings_dict["NAME"] = database_name


def consecutive_runs(items: list, count: int, *, weight) -> list[list]:
    """Consecutive runs of items of about equal total `weight(item)`, at most `count` of them."""
    total = sum(weight(item) for item in items) or 1
    runs: list[list] = [[]]
    done = 0
    for item in items:
        if runs[-1] and done >= total * len(runs) / count and len(runs) < count:
            runs.append([])
        runs[-1].append(item)
        done += weight(item)
    return runs


def _handler(path: str):
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


def serve(database_name: str | None, chunks, results, parent: int | None = None) -> None:
    """Set up, then run chunks from `chunks` until it hands out None.

    A chunk is (run, number, handler "module:function", payload). Each result goes to `results`
    as (run, number, result) or, if the handler failed, (run, number, None, the error's text),
    which the caller raises.
    """
    import os
    import queue
    import traceback

    setup(database_name)
    while True:
        try:
            task = chunks.get(timeout=1)
        except queue.Empty:
            if parent is not None and os.getppid() != parent:
                return  # the caller is gone (a worker killed): no orphan waits for ever
            continue
        if task is None:
            return
        run, number, handler, payload = task
        try:
            results.put((run, number, _handler(handler)(payload)))
        except Exception:
            results.put((run, number, None, traceback.format_exc()))


@contextlib.contextmanager
def _children_allowed():
    """Let a Celery prefork worker (which billiard marks daemonic) start the helpers.

    multiprocessing refuses children to a daemonic process because it may be ended without
    cleaning up and leave them behind. These helpers are killed when the chunks are done, or
    when rendering fails, and end by themselves when their parent is gone (`serve`), so the
    rule's reason does not hold, and the build in a worker gets the second core.
    """
    import multiprocessing

    current = multiprocessing.current_process()
    config = current._config
    saved = dict(config)
    config["daemon"] = False
    # billiard's own authentication key refuses to be pickled by multiprocessing's spawn: the same bytes.
    config["authkey"] = multiprocessing.process.AuthenticationString(bytes(current.authkey))
    try:
        yield
    finally:
        config.clear()
        config.update(saved)


class _Helpers:
    def __init__(self, count: int):
        import multiprocessing
        import os

        from django.db import connections

        context = multiprocessing.get_context("spawn")
        self.tasks, self.done = context.Queue(), context.Queue()
        database_name = str(connections["default"].settings_dict["NAME"])
        with _children_allowed():  # a process takes its parent's configuration when it is made
            self.processes = [
                context.Process(
                    target=serve, args=(database_name, self.tasks, self.done, os.getpid()), daemon=True
                )
                for _n in range(count)
            ]
            for process in self.processes:
                process.start()

    def alive(self) -> bool:
        return all(process.is_alive() for process in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            process.kill()  # a helper still starting has taken nothing
            process.join()


WARM_UP = 0  # the run number of the helpers' warm-up, before any call's
_runs = itertools.count(1)
_kept: _Helpers | None = None
# Two threads of one process may lay documents out at once: the second does without the kept helpers.
_kept_lock = threading.Lock()


def keep_helpers(count: int, *, wait: float = 0) -> None:
    """Start `count` helpers that this process keeps, warm, until it ends (idempotent).

    They warm up (WeasyPrint, the fonts) in the background; `wait` seconds at most are spent
    waiting for that here (a Celery worker process does not wait: its start-up is timed).
    """
    import queue
    import time

    global _kept
    with _kept_lock:
        if _kept is not None and _kept.alive():
            return
        if _kept is not None:
            _kept.stop()
        _kept = _Helpers(count) if count > 0 else None
        if _kept is None:
            return
        for _process in _kept.processes:
            _kept.tasks.put((WARM_UP, 0, "conferences.documents.rendering:documents_warm_up_chunk", None))
        deadline, warm = time.monotonic() + wait, 0
        while warm < count and time.monotonic() < deadline and _kept.alive():
            with contextlib.suppress(queue.Empty):
                warm += _kept.done.get(timeout=min(1, max(deadline - time.monotonic(), 0.01)))[0] == WARM_UP


def kept_helpers() -> int:
    """How many kept helpers this process has, alive."""
    helpers = _kept
    return len(helpers.processes) if helpers is not None and helpers.alive() else 0


def stop_kept_helpers() -> None:
    global _kept
    with _kept_lock:
        if _kept is not None:
            _kept.stop()
        _kept = None


def run_chunks(payloads: list, *, handler: str, workers: int = 2, kept_only: bool = False) -> list:
    """Run `handler` ("module:function", importable in a fresh process) on each payload; results in order.

    Over this process and the helpers it keeps, when it keeps any and no other thread is using
    them; otherwise over `workers` processes started for this call, this one included (in a Celery
    worker too), or in this process alone when there is one chunk or one worker, or `kept_only`.
    """
    function = _handler(handler)
    if len(payloads) < 2 or workers < 2:
        return [function(payload) for payload in payloads]
    global _kept
    if _kept is not None and _kept_lock.acquire(blocking=False):
        try:
            if _kept is not None and _kept.alive():
                try:
                    return _run(payloads, function, handler, _kept)
                except _HelpersStopped:
                    _kept.stop()
                    _kept = None
                    raise
        finally:
            _kept_lock.release()
    if kept_only:
        return [function(payload) for payload in payloads]
    helpers = _Helpers(min(workers - 1, len(payloads) - 1))
    try:
        return _run(payloads, function, handler, helpers)
    finally:
        helpers.stop()


class _HelpersStopped(RuntimeError):
    pass


def _run(payloads: list, function, handler: str, helpers: _Helpers) -> list:
    import queue

    run = next(_runs)
    results: dict[int, object] = {}
    for number, payload in enumerate(payloads):
        helpers.tasks.put((run, number, handler, payload))
    try:
        while True:
            try:
                task_run, number, _handler_name, payload = helpers.tasks.get(timeout=0.05)
            except queue.Empty:
                break  # the queue hands chunks out in order: empty means every chunk is taken
            if task_run == run:
                results[number] = function(payload)
        while len(results) < len(payloads):
            number, result = _helper_result(helpers, run)
            results[number] = result
    except BaseException:
        # Kept helpers outlive this call: what it left in the queue must not reach the next one.
        with contextlib.suppress(queue.Empty):
            while True:
                helpers.tasks.get_nowait()
        raise
    return [results[number] for number in range(len(payloads))]


def _helper_result(helpers: _Helpers, run: int) -> tuple[int, object]:
    import queue

    while True:
        try:
            task_run, number, result, *error = helpers.done.get(timeout=1)
        except queue.Empty:
            if not helpers.alive():  # a chunk a stopped helper took will never come back
                raise _HelpersStopped("The processes rendering document chunks stopped.") from None
            continue
        if task_run != run:
            continue  # a warm-up's result, or one of an earlier call that failed
        if error:
            raise RuntimeError(f"Rendering chunk {number} failed:\n{error[0]}")
        return number, result
