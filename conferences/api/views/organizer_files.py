"""The organizer pages' files over the API: the delegate list, papers and reviews as CSV or XLSX, a
paper's review summary and the ceremony's running sheet as PDF. Each is built by the exporter its page
uses, with the same filters; the running sheet, rendered by a worker, follows the stored-document flow."""

from django.http import HttpResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api.documents import (
    DOCUMENT_DESCRIPTION,
    DOCUMENT_RESPONSES,
    LOCATION,
    RETRY_AFTER,
    stored_document_answer,
)
from conferences.api.permissions import OrganizedConferenceMixin
from conferences.api.serializers.bulk import DelegateFilterSerializer
from conferences.api.serializers.files import FilePendingSerializer
from conferences.api.views.awards import ORGANIZERS, RUN_CEREMONY, SLUG
from conferences.documents.paper_review_summary import review_summary_filename
from conferences.exports import delegates as delegate_exports
from conferences.exports import papers as paper_exports
from conferences.exports.review_summary import paper_review_summary_pdf
from conferences.models import RenderedDocument
from conferences.selectors.delegates import delegate_roster
from conferences.selectors.paper_reports import papers_for_report, review_criteria, reviews_for_report
from conferences.services.review_summaries import review_summary_request
from core.api import JSON_ERRORS
from core.renderers import CsvRenderer, FileEndpointMixin, PdfRenderer, XlsxRenderer

CONTENT_TYPES = {"csv": delegate_exports.CSV_CONTENT_TYPE, "xlsx": delegate_exports.XLSX_CONTENT_TYPE}
MANAGE_INVITATIONS = gettext_lazy("Only the organizers of this conference can manage its invitations.")
MANAGE_PAPERS = gettext_lazy("Only the organizers of this conference can manage its papers.")
RENDERERS = {"csv": CsvRenderer, "xlsx": XlsxRenderer}


def _file(content: bytes, extension: str, filename: str, *, inline: bool = False) -> HttpResponse:
    disposition = "inline" if inline else "attachment"
    response = HttpResponse(
        content,
        content_type=CONTENT_TYPES.get(extension, "application/pdf"),
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _file_responses(extension: str, description) -> dict:
    file = OpenApiResponse(OpenApiTypes.BINARY, description=description)
    return {(200, RENDERERS[extension].media_type): file, **JSON_ERRORS}


class _DelegateExport(FileEndpointMixin, OrganizedConferenceMixin, APIView):
    organizer_message = MANAGE_INVITATIONS
    extension = ""

    def get(self, request, conference_slug: str):
        filters = DelegateFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        # The files have no paper column: the roster's papers are not fetched (as on the page).
        roster = delegate_roster(conference=self.conference, **filters.selector_filters()).prefetch_related(
            None
        )
        rows = delegate_exports.delegate_rows(roster)
        if self.extension == "csv":
            content = delegate_exports.delegates_csv(rows)
        else:
            content = delegate_exports.delegates_xlsx(rows, title=self.conference.title_vi)
        return _file(
            content, self.extension, delegate_exports.export_filename(self.conference.slug, self.extension)
        )


DELEGATES_DESCRIPTION = gettext_lazy(
    "Permissions: the conference's organizers (or a superuser). The confirmed delegates, narrowed by the "
    "delegate list's filters (kind, province, checked_in, q), as the page's export."
)


class DelegatesCsvView(_DelegateExport):
    extension = "csv"
    renderer_classes = [CsvRenderer]

    @extend_schema(
        summary=gettext_lazy("The delegate list as CSV"),
        description=DELEGATES_DESCRIPTION,
        parameters=[SLUG, DelegateFilterSerializer],
        responses=_file_responses("csv", gettext_lazy("A CSV file in UTF-8 with a BOM, one delegate a row.")),
    )
    def get(self, request, conference_slug: str):
        return super().get(request, conference_slug)


class DelegatesXlsxView(_DelegateExport):
    extension = "xlsx"
    renderer_classes = [XlsxRenderer]

    @extend_schema(
        summary=gettext_lazy("The delegate list as XLSX"),
        description=DELEGATES_DESCRIPTION,
        parameters=[SLUG, DelegateFilterSerializer],
        responses=_file_responses(
            "xlsx", gettext_lazy("An Excel workbook, one delegate a row, under the conference's title.")
        ),
    )
    def get(self, request, conference_slug: str):
        return super().get(request, conference_slug)


class _PaperExport(FileEndpointMixin, OrganizedConferenceMixin, APIView):
    organizer_message = MANAGE_PAPERS
    extension = ""
    reviews = False

    def get(self, request, conference_slug: str):
        conference = self.conference
        if self.reviews:
            criteria = review_criteria(conference=conference)
            rows = reviews_for_report(conference=conference, criteria=criteria)
            content = paper_exports.reviews_export(rows, criteria, self.extension, title=conference.title_vi)
            kind = "phan-bien"
        else:
            papers = papers_for_report(conference=conference)
            content = paper_exports.papers_export(papers, self.extension, title=conference.title_vi)
            kind = "tham-luan"
        return _file(
            content, self.extension, paper_exports.export_filename(kind, conference.slug, self.extension)
        )


PAPERS_DESCRIPTION = gettext_lazy(
    "Permissions: the conference's organizers (or a superuser). Every paper with its status, authors and "
    "review figures, as the papers page's export."
)
REVIEWS_DESCRIPTION = gettext_lazy(
    "Permissions: the conference's organizers (or a superuser). Every submitted review: reviewer, scores "
    "by criterion and the comments (confidential ones too), as the papers page's export."
)


def _export_view(name: str, extension: str, reviews: bool, summary, description, file_description):
    class View(_PaperExport):
        renderer_classes = [RENDERERS[extension]]

        @extend_schema(
            summary=summary,
            description=description,
            parameters=[SLUG],
            responses=_file_responses(extension, file_description),
        )
        def get(self, request, conference_slug: str):
            return super().get(request, conference_slug)

    View.extension, View.reviews = extension, reviews
    View.__name__ = View.__qualname__ = name
    return View


CSV_FILE = gettext_lazy("A CSV file in UTF-8 with a BOM, one row each.")
XLSX_FILE = gettext_lazy("An Excel workbook, one row each, under the conference's title.")
PapersCsvView = _export_view(
    "PapersCsvView", "csv", False, gettext_lazy("The papers as CSV"), PAPERS_DESCRIPTION, CSV_FILE
)
PapersXlsxView = _export_view(
    "PapersXlsxView", "xlsx", False, gettext_lazy("The papers as XLSX"), PAPERS_DESCRIPTION, XLSX_FILE
)
ReviewsCsvView = _export_view(
    "ReviewsCsvView", "csv", True, gettext_lazy("The reviews as CSV"), REVIEWS_DESCRIPTION, CSV_FILE
)
ReviewsXlsxView = _export_view(
    "ReviewsXlsxView", "xlsx", True, gettext_lazy("The reviews as XLSX"), REVIEWS_DESCRIPTION, XLSX_FILE
)


class PaperReviewSummaryView(FileEndpointMixin, OrganizedConferenceMixin, APIView):
    organizer_message = MANAGE_PAPERS
    renderer_classes = [PdfRenderer]

    @extend_schema(
        summary=gettext_lazy("A paper's review summary as PDF"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). The scores by criterion, reviewers' "
            "names and comments (confidential ones too) of one paper, rendered now as on the papers page."
        ),
        parameters=[SLUG],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description=gettext_lazy("The summary as a PDF, shown inline.")
            ),
            **JSON_ERRORS,
        },
    )
    def get(self, request, conference_slug: str, pk: int):
        pdf = paper_review_summary_pdf(conference=self.conference, paper_id=pk)
        if pdf is None:
            raise NotFound(_("No such paper in this conference."))
        return _file(pdf, "pdf", review_summary_filename(self.conference, pk), inline=True)


REVIEW_SUMMARY_RETRY_SECONDS = 5


class ReviewSummaryView(FileEndpointMixin, OrganizedConferenceMixin, APIView):
    organizer_message = MANAGE_PAPERS
    renderer_classes = [PdfRenderer]

    @extend_schema(
        operation_id="conferences_papers_review_summary_all.pdf_retrieve",
        summary=gettext_lazy("Every paper's review summary as one PDF"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). Built by a worker for the current "
            "reviews and decisions (several seconds for a few hundred papers), as on the papers page: "
            "served at once (200) when built, otherwise 202 with Retry-After while it is built; ask again."
        ),
        parameters=[SLUG, RETRY_AFTER],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description=gettext_lazy("The summaries as a PDF, shown inline.")
            ),
            (202, "application/json"): OpenApiResponse(
                FilePendingSerializer, description=gettext_lazy("Being built: ask again after Retry-After.")
            ),
            **JSON_ERRORS,
        },
    )
    def get(self, request, conference_slug: str):
        pdf = review_summary_request(conference=self.conference)
        if pdf is not None:
            return _file(pdf, "pdf", review_summary_filename(self.conference), inline=True)
        body = {
            "message": _("The review summary is being prepared; ask again in a few seconds."),
            "retry_after": REVIEW_SUMMARY_RETRY_SECONDS,
        }
        return Response(
            FilePendingSerializer(body).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Retry-After": str(REVIEW_SUMMARY_RETRY_SECONDS)},
        )


class RunningSheetView(FileEndpointMixin, OrganizedConferenceMixin, APIView):
    organizer_message = RUN_CEREMONY
    renderer_classes = [PdfRenderer]

    @extend_schema(
        summary=gettext_lazy("The ceremony's running sheet as PDF (the master of ceremonies' script)"),
        description=format_lazy("{} {}", ORGANIZERS, DOCUMENT_DESCRIPTION),
        parameters=[SLUG, RETRY_AFTER, LOCATION],
        responses=DOCUMENT_RESPONSES,
    )
    def get(self, request, conference_slug: str):
        return stored_document_answer(
            request,
            self.conference,
            kind=RenderedDocument.Kind.RUNNING_SHEET,
            not_found=_("This conference has no awards ceremony to script."),
        )
