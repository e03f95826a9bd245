"""The reception desk's delegate list, as CSV or XLSX, for the conference's organizers."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from conferences.exports import delegates as exports
from conferences.selectors.invitations import delegate_list
from conferences.views.access import MANAGE_INVITATIONS, organized_conference


def _delegate_export(request, slug: str, extension: str) -> HttpResponse:
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    rows = exports.delegate_rows(delegate_list(conference=conference))
    if extension == "csv":
        content, content_type = exports.delegates_csv(rows), exports.CSV_CONTENT_TYPE
    else:
        content, content_type = (
            exports.delegates_xlsx(rows, title=conference.title_vi),
            exports.XLSX_CONTENT_TYPE,
        )
    filename = exports.export_filename(conference.slug, extension)
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@require_GET
@login_required
def delegates_csv(request, slug: str):
    return _delegate_export(request, slug, "csv")


@require_GET
@login_required
def delegates_xlsx(request, slug: str):
    return _delegate_export(request, slug, "xlsx")
