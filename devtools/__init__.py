"""Tools that the test suite and the benchmarks share; the apps never import them.

A top-level package beside `tests/` and `benchmarks/`, so that each of the two
imports it without importing the other: a benchmark reaching into `tests/` would
run test modules (and their fixtures) as a side effect, and `tests/` cannot
import `benchmarks/`, which is a folder of scripts, not a package. It is not
installed with the apps (pyproject.toml packages only config, core, conferences
and notifications), and an import contract keeps the apps from importing it.

- `celery_worker`: a real `celery -A config worker` process on a private queue.
- `processes`: the processes below a process and their CPU time, read from /proc.
- `data`: data sets built in bulk, e.g. a published conference with a large agenda.
"""
