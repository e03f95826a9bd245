"""The ORM from a test whose browser is open.

Playwright's sync API keeps an event loop running in the test's thread for as long as the browser
lives, and Django refuses the ORM in a thread with a running loop. A persona's journey keeps its
browser open from start to end, so the test reads and writes rows in a short-lived thread of its own,
as a worker would.
"""

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def off_loop(work: Callable[[], T]) -> T:
    """Run `work` in a thread of its own and wait: return what it returned, or raise what it raised."""
    outcome: dict[str, object] = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # Handed back to the test, which fails with it.
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if thread.is_alive():
        raise TimeoutError("the database work did not finish in 120 s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
