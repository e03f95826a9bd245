"""The reception desk's delegate list, as CSV or XLSX, for the conference's organizers.

The list's filters (agency kind, province, check-in, name) narrow the file as they narrow the page.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from conferences.exports import delegates as exports
from conferences.forms.delegates import DelegateFilterForm
from conferences.models import Province
from conferences.selectors.delegates import delegate_roster
from conferences.views.access import MANAGE_INVITATIONS, organized_conference


def _delegate_export(request, slug: str, extension: str) -> HttpResponse:
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    provinces = list(Province.objects.filter(is_active=True).order_by("name"))
    filters = DelegateFilterForm(request.GET, provinces=provinces).selector_filters()
    # The files have no paper column: the roster's papers are not fetched.
    rows = exports.delegate_rows(delegate_roster(conference=conference, **filters).prefetch_related(None))
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
