"""Entry points of the processes that `render_certificate_chunks_parallel` spawns.

A spawned process imports this module before Django is set up, so it imports nothing of
Django or the app at module level: `setup` runs first, then `render_ids` imports what it needs.
"""


def setup(database_name: str | None = None) -> None:
    """Set Django up once per process, on the caller's database when it names another one (tests)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if database_name:
        from django.db import connections

        connections["default"].settings_dict["NAME"] = database_name


def render_ids(ids: list[int]) -> list[tuple[int, bytes]]:
    """Render one chunk of certificates by id; return (id, PDF bytes) pairs."""
    from conferences.documents.certificates import render_certificate_pdfs
    from conferences.selectors.certificates import certificates_for_rendering

    certificates = certificates_for_rendering(ids=ids)
    return list(zip([c.pk for c in certificates], render_certificate_pdfs(certificates), strict=True))


def serve(database_name: str | None, chunks, results) -> None:
    """Set up, then render chunks from the `chunks` queue until it hands out None.

    Each result goes to `results` as (chunk number, pairs) or, if rendering failed,
    (chunk number, None, the error's text), which the caller raises.
    """
    import traceback

    setup(database_name)
    while (task := chunks.get()) is not None:
        number, ids = task
        try:
            results.put((number, render_ids(ids)))
        except Exception:
            results.put((number, None, traceback.format_exc()))
