"""The certificates' handler for the render pool (`conferences.documents.workers`).

A spawned process imports this module after Django is set up (the pool's `setup` runs first).
"""


def render_ids(ids: list[int]) -> list[tuple[int, bytes]]:
    """Render one chunk of certificates by id; return (id, PDF bytes) pairs."""
    from conferences.documents.certificates import render_certificate_pdfs
    from conferences.selectors.certificates import certificates_for_rendering

    certificates = certificates_for_rendering(ids=ids)
    return list(zip([c.pk for c in certificates], render_certificate_pdfs(certificates), strict=True))
