"""A probe for "rendering runs outside any transaction, with the row unlocked" (transactional tests)."""

import threading

from django.db import connection, transaction


def unlocked_render_probe(real, model, pk_of):
    """Wrap the renderer `real`; return the wrapper and what it saw.

    Each call records whether it ran inside a transaction, then has another
    connection lock the row `pk_of(argument)` of `model` (NOWAIT on PostgreSQL,
    so a lock held by the caller fails at once; SQLite's BEGIN IMMEDIATE waits
    for the database lock) and records "locked by the other connection".
    """
    seen = []

    def lock_from_another_connection(pk):
        try:
            with transaction.atomic():
                model.objects.select_for_update(nowait=connection.vendor == "postgresql").get(pk=pk)
            seen.append("locked by the other connection")
        finally:
            connection.close()

    def render(argument):
        seen.append(connection.in_atomic_block)
        other = threading.Thread(target=lock_from_another_connection, args=(pk_of(argument),))
        other.start()
        other.join()
        return real(argument)

    return render, seen
