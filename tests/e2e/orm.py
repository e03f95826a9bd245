"""The ORM beside a journey: Playwright's sync API keeps an event loop in the test's thread, where
Django refuses database calls, and a journey's browser is open for the whole test. Seeding and the
checks on rows therefore run in a thread of their own, as a worker would.
"""

import threading

from django.db import connection


def in_thread(function, *args, **kwargs):
    """Call function(*args, **kwargs) in a fresh thread; return its result or raise its error."""
    outcome: dict = {}

    def work():
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as exc:  # Handed back to the test, which fails with it.
            outcome["error"] = exc
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=120)
    if worker.is_alive():
        raise TimeoutError(f"{function.__name__} did not finish in 120 s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
