"""The render pool (`conferences.documents.workers`): chunks over fresh processes, in Celery's workers too."""

import os
import time


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
