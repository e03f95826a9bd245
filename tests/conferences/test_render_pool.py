"""The render pool (`conferences.documents.workers`): chunks over fresh or kept processes, in Celery too."""

import os
import time

import pytest

HANDLER = "tests.conferences.test_render_pool:where"


def where(payload: int) -> tuple[int, int]:
    """A handler: the payload doubled and the process that ran it (slow enough for a helper to start)."""
    time.sleep(0.3)
    return payload * 2, os.getpid()


def _run_in_pool_worker(payloads):
    from conferences.documents.workers import run_chunks

    return run_chunks(payloads, handler="tests.conferences.test_render_pool:where", workers=2)


def test_chunks_run_over_two_processes_in_order():
    from conferences.documents.workers import run_chunks

    results = run_chunks(list(range(20)), handler="tests.conferences.test_render_pool:where", workers=2)

    assert [doubled for doubled, _pid in results] == [n * 2 for n in range(20)]
    assert len({pid for _doubled, pid in results}) == 2


def test_a_celery_prefork_worker_uses_a_second_process():
    """billiard marks Celery's prefork workers daemonic; multiprocessing would refuse them children."""
    import billiard

    with billiard.Pool(1) as pool:
        results, worker = pool.apply(_run_in_pool_worker_with_pid, (list(range(20)),))

    assert [doubled for doubled, _pid in results] == [n * 2 for n in range(20)]
    assert len({pid for _doubled, pid in results} - {worker}) == 1


def _run_in_pool_worker_with_pid(payloads):
    import multiprocessing

    assert multiprocessing.current_process().daemon  # what makes the case
    return _run_in_pool_worker(payloads), os.getpid()


def fail_on_three(payload: int) -> int:
    if payload == 3:
        raise ValueError("chunk three cannot be rendered")
    return where(payload)


@pytest.fixture
def kept():
    """One helper kept by this process, as a Celery worker process keeps it; stopped afterwards."""
    from conferences.documents import workers

    workers.keep_helpers(1, wait=60)
    yield workers._kept
    workers.stop_kept_helpers()


def test_kept_helpers_take_chunks_call_after_call(kept):
    from conferences.documents.workers import kept_helpers, run_chunks

    helper = kept.processes[0].pid
    first = run_chunks(list(range(8)), handler=HANDLER, kept_only=True)
    second = run_chunks(list(range(8)), handler=HANDLER, kept_only=True)

    assert kept_helpers() == 1
    for results in (first, second):
        assert [doubled for doubled, _pid in results] == [n * 2 for n in range(8)]
        assert {pid for _doubled, pid in results} == {os.getpid(), helper}  # the same helper, not a new one


def test_without_kept_helpers_kept_only_chunks_run_here():
    from conferences.documents.workers import kept_helpers, run_chunks

    results = run_chunks(list(range(4)), handler=HANDLER, kept_only=True)

    assert kept_helpers() == 0
    assert results == [(n * 2, os.getpid()) for n in range(4)]


def test_a_failed_chunk_leaves_nothing_for_the_next_call(kept):
    from conferences.documents.workers import run_chunks

    # Raised as it is where this process took the chunk, in a RuntimeError carrying it where the helper did.
    with pytest.raises((ValueError, RuntimeError), match="chunk three cannot be rendered"):
        run_chunks(
            list(range(10)), handler="tests.conferences.test_render_pool:fail_on_three", kept_only=True
        )
    results = run_chunks(list(range(100, 106)), handler=HANDLER, kept_only=True)

    assert [doubled for doubled, _pid in results] == [n * 2 for n in range(100, 106)]


def test_a_kept_helper_that_died_is_not_waited_for(kept):
    from conferences.documents.workers import kept_helpers, run_chunks

    kept.processes[0].kill()
    kept.processes[0].join()
    results = run_chunks(list(range(4)), handler=HANDLER, kept_only=True)

    assert kept_helpers() == 0
    assert results == [(n * 2, os.getpid()) for n in range(4)]


def test_a_celery_prefork_worker_keeps_a_helper():
    import billiard

    with billiard.Pool(1) as pool:
        (first, second), worker = pool.apply(_keep_and_run_twice, ())

    assert first[0] == second[0] and first[0] != worker  # one helper, kept between the two calls
    assert {pid for _doubled, pid in first[1]} == {worker, first[0]}


def _keep_and_run_twice():
    from conferences.documents import workers

    workers.keep_helpers(1, wait=60)
    try:
        runs = []
        for _run in range(2):
            helper = workers._kept.processes[0].pid
            runs.append((helper, workers.run_chunks(list(range(6)), handler=HANDLER, kept_only=True)))
        return runs, os.getpid()
    finally:
        workers.stop_kept_helpers()
