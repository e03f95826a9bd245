"""The only URL fetcher WeasyPrint is ever given.

WeasyPrint's default fetcher reads any local file and any URL; with user text
in a document, that means /etc/passwd embedded as an attachment or requests
to internal servers. This one serves `data:` URLs and files inside the
project's own static folders, follows no redirects, and refuses everything
else.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings


class FetchRefused(ValueError):
    """A document asked for a resource it may not have."""


def allowed_roots() -> list[Path]:
    roots = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
    roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def make_fetcher():
    """Build the restricted fetcher (WeasyPrint is imported only when a document is made)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RestrictedFetcher(URLFetcher):
        def __init__(self):
            super().__init__(timeout=5, allowed_protocols={"data", "file"}, allow_redirects=False)
            self.roots = allowed_roots()

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise FetchRefused(f"Refused to fetch {url!r}: only data: and project files are allowed")
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
                raise FetchRefused(f"Refused to read {url!r}: outside the project's static files")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return RestrictedFetcher()
