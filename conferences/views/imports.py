"""Organizer pages to import agencies from a file: upload, preview every row's fate, then import.

The uploaded file waits under MEDIA_ROOT/imports/ between the preview and the
import, named by a random UUID that only the uploader's session knows; the
import reads that same file again, and deletes it once it is done.
"""

import datetime
import io
import re
import uuid
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conferences.forms.imports import OrganizationImportForm
from conferences.models import Job
from conferences.selectors.jobs import job_latest_started_by
from conferences.services.imports import (
    COLUMNS,
    column_help,
    import_preview,
    user_may_import_organizations,
)
from conferences.services.imports.jobs import import_start
from core.exceptions import ApplicationError

SESSION_KEY = "organization_import"
UPLOAD_DIR = "imports"
STORED_NAME = re.compile(r"^imports/[0-9a-f]{32}\.(csv|xlsx)$")
# Files nobody went on to import are removed at the next upload after this long.
ABANDONED_AFTER = datetime.timedelta(days=1)
PREVIEW_ROWS = 200  # Rows of each kind listed on the preview page; the counts cover all of them.
PREVIEW_ERRORS = 1000


def _require_importer(request) -> None:
    if not user_may_import_organizations(request.user):
        raise PermissionDenied(_("Only staff can import agencies."))


def _pending(request) -> dict | None:
    """The file this session uploaded and has not imported yet, if it is still there."""
    pending = request.session.get(SESSION_KEY)
    if not pending or not STORED_NAME.match(pending.get("path", "")):
        return None
    if not default_storage.exists(pending["path"]):
        request.session.pop(SESSION_KEY, None)
        return None
    return pending


def _discard(request) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending and STORED_NAME.match(pending.get("path", "")):
        default_storage.delete(pending["path"])


def _remove_abandoned() -> None:
    try:
        _dirs, files = default_storage.listdir(UPLOAD_DIR)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - ABANDONED_AFTER
    for name in files:
        path = f"{UPLOAD_DIR}/{name}"
        if STORED_NAME.match(path) and default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


@require_http_methods(["GET", "POST"])
@login_required
def organization_import(request):
    """The upload form; a valid upload is kept and previewed."""
    _require_importer(request)
    form = OrganizationImportForm(request.POST, request.FILES) if request.method == "POST" else None
    if form is not None and form.is_valid():
        upload = form.cleaned_data["file"]
        _discard(request)
        _remove_abandoned()
        extension = PurePath(upload.name).suffix.lower().lstrip(".")
        path = default_storage.save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}.{extension}", upload)
        request.session[SESSION_KEY] = {"path": path, "filename": PurePath(upload.name).name}
        return redirect("conferences:organization-import-preview")
    job = job_latest_started_by(user=request.user, kind=Job.Kind.ORGANIZATION_IMPORT)
    context = {
        "form": form or OrganizationImportForm(),
        "columns": column_help(),
        "pending": _pending(request),
        "job": job,
        "job_counts": (job.result or {}).get("counts") if job else None,
    }
    return render(request, "conferences/import.html", context)


@require_GET
@login_required
def organization_import_preview(request):
    """What importing the uploaded file would do, row by row, with every error."""
    _require_importer(request)
    pending = _pending(request)
    if pending is None:
        messages.warning(request, _("Upload a file first."))
        return redirect("conferences:organization-import")
    try:
        with default_storage.open(pending["path"], "rb") as file:
            preview = import_preview(file=file, filename=pending["filename"])
    except ApplicationError as exc:
        _discard(request)
        messages.error(request, exc.message)
        return redirect("conferences:organization-import")
    context = {
        "filename": pending["filename"],
        "preview": preview,
        "counts": preview.counts,
        "to_create": preview.to_create[:PREVIEW_ROWS],
        "to_update": preview.to_update[:PREVIEW_ROWS],
        "errors": preview.errors[:PREVIEW_ERRORS],
        "more_errors": max(0, len(preview.errors) - PREVIEW_ERRORS),
        "preview_rows": PREVIEW_ROWS,
    }
    return render(request, "conferences/import_preview.html", context)


@require_POST
@login_required
def organization_import_commit(request):
    """Import the uploaded file, all or nothing; or drop it when the organizer cancels."""
    _require_importer(request)
    pending = _pending(request)
    if pending is None:
        messages.warning(request, _("The uploaded file is no longer here: upload it again."))
        return redirect("conferences:organization-import")
    if "cancel" in request.POST:
        _discard(request)
        messages.info(request, _("The import was cancelled; nothing was written."))
        return redirect("conferences:organization-import")
    # A worker imports the file; the import page shows the job's progress and its outcome. The
    # session keeps the file until the job deletes it, so a failed import can be previewed again.
    import_start(path=pending["path"], filename=pending["filename"], actor=request.user)
    messages.info(
        request,
        _("Importing %(filename)s: the progress is shown below; you may leave this page and come back.")
        % {"filename": pending["filename"]},
    )
    return redirect("conferences:organization-import")


@require_GET
@login_required
def organization_import_template(request):
    """A workbook with the column headings, and an example row on a second sheet."""
    _require_importer(request)
    from openpyxl import Workbook  # Slow to import: only when a workbook is made.

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Cơ quan"
    sheet.append([column.header for column in COLUMNS])
    # The example sits on a sheet of its own: only the first sheet is imported.
    example = workbook.create_sheet("Ví dụ")
    example.append([column.header for column in COLUMNS])
    example.append(
        [
            "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
            "Sở KH&CN Quảng Ninh",
            "",
            "Sở",
            "Quảng Ninh",
            "Ủy ban nhân dân tỉnh Quảng Ninh",
            "sokhcn@quangninh.gov.vn",
            "0203 3835 xxx",
            "Hạ Long, Quảng Ninh",
            "Nguyễn Văn A",
            "Chánh Văn phòng",
            "nguyenvana@quangninh.gov.vn",
            "09xx xxx xxx",
        ]
    )
    for letter, column in zip("ABCDEFGHIJKLM", COLUMNS, strict=True):
        for each in (sheet, example):
            each.column_dimensions[letter].width = max(14, len(column.header) + 4)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-co-quan.xlsx"'
    return response
