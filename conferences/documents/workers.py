"""A pool of fresh processes that render chunks of documents (certificates, the proceedings' body).

Spawned, never forked: forking after WeasyPrint's set-up has crashed workers. A spawned process
imports this module before Django is set up, so it imports nothing of Django or the app at module
level: `setup` runs first, then the handler's module is imported by name. The calling process,
set up already, takes chunks from the same queue while the others start (about a second each),
so no chunk waits for a process that is still starting.
"""

import contextlib
import importlib


def setup(database_name: str | None = None) -> None:
    """Set Django up once per process, on the caller's database when it names another one (tests)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if database_name:
        from django.db import connections

        connections["default"].settings_dict["NAME"] = database_name


def _handler(path: str):
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


def serve(database_name: str | None, handler: str, chunks, results, parent: int | None = None) -> None:
    """Set up, then run `handler` ("module:function") on chunks from `chunks` until it hands out None.

    Each result goes to `results` as (chunk number, result) or, if the handler failed,
    (chunk number, None, the error's text), which the caller raises.
    """
    import os
    import queue
    import traceback

    setup(database_name)
    function = _handler(handler)
    while True:
        try:
            task = chunks.get(timeout=1)
        except queue.Empty:
            if parent is not None and os.getppid() != parent:
                return  # the caller is gone (a worker killed): no orphan waits for ever
            continue
        if task is None:
            return
        number, payload = task
        try:
            results.put((number, function(payload)))
        except Exception:
            results.put((number, None, traceback.format_exc()))


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


def run_chunks(payloads: list, *, handler: str, workers: int = 2) -> list:
    """Run `handler` ("module:function", importable in a fresh process) on each payload; results in order.

    Over `workers` processes, this one included (in a Celery worker too); in this process alone
    when there is one chunk or one worker.
    """
    import multiprocessing
    import os
    import queue

    from django.db import connections

    function = _handler(handler)
    helpers = min(workers - 1, len(payloads) - 1)
    if helpers < 1:
        return [function(payload) for payload in payloads]
    results: dict[int, object] = {}
    context = multiprocessing.get_context("spawn")
    tasks, done = context.Queue(), context.Queue()
    for task in enumerate(payloads):
        tasks.put(task)
    database_name = str(connections["default"].settings_dict["NAME"])
    with _children_allowed():  # a process takes its parent's configuration when it is made
        processes = [
            context.Process(
                target=serve, args=(database_name, handler, tasks, done, os.getpid()), daemon=True
            )
            for _n in range(helpers)
        ]
        for process in processes:
            process.start()
    try:
        while True:
            try:
                number, payload = tasks.get(timeout=0.05)
            except queue.Empty:
                break  # the queue hands chunks out in order: empty means every chunk is taken
            results[number] = function(payload)
        while len(results) < len(payloads):
            number, result = _helper_result(done, processes)
            results[number] = result
    finally:
        for process in processes:
            process.kill()  # a helper still starting has taken nothing
            process.join()
    return [results[number] for number in range(len(payloads))]


def _helper_result(done, processes) -> tuple[int, object]:
    import queue

    while True:
        try:
            number, result, *error = done.get(timeout=1)
        except queue.Empty:
            if not any(process.is_alive() for process in processes):
                raise RuntimeError("The processes rendering document chunks stopped.") from None
            continue
        if error:
            raise RuntimeError(f"Rendering chunk {number} failed:\n{error[0]}")
        return number, result
