"""A nomination's supporting file as a download.

Who may download is NOT decided here: the calling view or API action has found the nomination
through a selector that checks access (an organizer of the conference, a panel member allowed
to score it, the delegate link that sent it).
"""

from django.http import FileResponse, Http404

from conferences.exports.paper_files import EXTENSIONS, stored_file_response
from conferences.models import Nomination


def nomination_file_response(*, nomination: Nomination) -> FileResponse:
    """The supporting file under the name it was sent with (de-nghi-khen-thuong-<id>.<ext> without one)."""
    if not nomination.file:
        raise Http404("no file")
    extension = EXTENSIONS.get(nomination.file_kind, "")
    return stored_file_response(
        file=nomination.file,
        kind=nomination.file_kind,
        name=nomination.file_name,
        neutral_name=f"de-nghi-khen-thuong-{nomination.pk}{extension}",
    )
