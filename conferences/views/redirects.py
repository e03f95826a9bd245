"""Where a page sends the browser back to after an action: the "next" it was given, if that is safe."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, candidate: str | None, fallback: str) -> str:
    """Return candidate if it is a path on this site ("/..."), else fallback.

    url_has_allowed_host_and_scheme() alone lets "foo" through: redirect() then
    takes it for a view name (NoReverseMatch, a 500) and a browser for a path
    relative to the current page. The pages only ever send full paths.
    """
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return fallback
