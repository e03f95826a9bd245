"""The figures a paper prints with in the proceedings: /conferences/{slug}/papers/{id}/figures/.

Organizers and the delegate whose link sent the paper list them; that delegate adds and
removes them (Authorization: Delegate <token>) while the paper may change. Another paper is a
404. The streaming size limit is the figures' own, as on the delegate's page.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api import schema as api_schema
from conferences.api.serializers.proceedings import PaperFigureSerializer, PaperFigureUploadSerializer
from conferences.api.throttling import ClientScopedRateThrottle, PersonalLinkGuessThrottle
from conferences.api.views.papers import (
    AUTHENTICATION,
    ConferenceFromUrlMixin,
    IsOrganizerOrDelegate,
    request_delegate,
)
from conferences.models import Paper
from conferences.selectors.papers import paper_get_for_organizers, paper_of_registration
from conferences.selectors.proceedings import paper_figures
from conferences.services.proceedings import FIGURE_MAX_BYTES, paper_figure_add, paper_figure_remove
from core.api import ERRORS
from core.uploads import UploadSizeLimitedViewMixin, raise_if_upload_refused


class _PaperFiguresBase(UploadSizeLimitedViewMixin, ConferenceFromUrlMixin, APIView):
    who_may_call = {"post": api_schema.DELEGATE_ONLY, "delete": api_schema.DELEGATE_ONLY}
    authentication_classes = AUTHENTICATION
    permission_classes = [IsOrganizerOrDelegate]
    throttle_classes = [ClientScopedRateThrottle, PersonalLinkGuessThrottle]
    throttle_scope = "rsvp"

    def upload_max_bytes(self, request) -> int | None:
        return FIGURE_MAX_BYTES

    def get_throttles(self):
        # As the papers' endpoints: delegates share the personal-link budget, organizers are not throttled.
        if request_delegate(self.request) is None and self.request.user.is_authenticated:
            return []
        return super().get_throttles()

    def _paper(self, pk: int) -> Paper:
        registration = request_delegate(self.request)
        if registration is not None:
            paper = paper_of_registration(registration=registration, pk=pk)
        else:
            paper = paper_get_for_organizers(conference=self.conference, pk=pk)
        if paper is None:
            raise NotFound(_("No such paper."))
        return paper

    def _delegate_only(self):
        registration = request_delegate(self.request)
        if registration is None:
            raise PermissionDenied(
                _("Figures are sent by the delegate who sent the paper, through their link.")
            )
        return registration

    def _list(self, paper: Paper, code: int = status.HTTP_200_OK) -> Response:
        figures = paper_figures(paper)
        numbers = {figure.pk: number for number, figure in enumerate(figures, start=1)}
        return Response(
            PaperFigureSerializer(figures, many=True, context={"numbers": numbers}).data, status=code
        )


class PaperFigureListView(_PaperFiguresBase):
    @extend_schema(
        summary=gettext_lazy("List a paper's figures"),
        description=gettext_lazy(
            "Organizers, and the delegate who sent the paper. The book prints them after the text, "
            "numbered in this order (“Hình 1”, “Hình 2”...)."
        ),
        responses={200: PaperFigureSerializer(many=True), **ERRORS},
    )
    def get(self, request, conference_slug: str, pk: int):
        return self._list(self._paper(pk))

    @extend_schema(
        summary=gettext_lazy("Add a figure to a paper (the delegate who sent it)"),
        description=gettext_lazy(
            "Multipart: `file` (PNG or JPEG, at most 10 MB and 40 million pixels; scaled down to "
            "2,000 pixels) and `caption`. Allowed while the paper may change; never after its final "
            "version is locked. Answers with the paper's figures."
        ),
        request={"multipart/form-data": PaperFigureUploadSerializer},
        responses={201: PaperFigureSerializer(many=True), **ERRORS},
    )
    def post(self, request, conference_slug: str, pk: int):
        registration = self._delegate_only()
        paper = self._paper(pk)
        data = request.data  # Parsed first: the size limit marks the request while parsing.
        raise_if_upload_refused(request)
        serializer = PaperFigureUploadSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        paper_figure_add(
            paper=paper,
            upload=serializer.validated_data["file"],
            caption=serializer.validated_data["caption"],
            registration=registration,
        )
        return self._list(paper, status.HTTP_201_CREATED)


class PaperFigureDetailView(_PaperFiguresBase):
    @extend_schema(
        summary=gettext_lazy("Remove a figure from a paper (the delegate who sent it)"),
        description=gettext_lazy(
            "The figures after it move up one number. Answers with the paper's figures."
        ),
        responses={200: PaperFigureSerializer(many=True), **ERRORS},
    )
    def delete(self, request, conference_slug: str, pk: int, figure_id: int):
        registration = self._delegate_only()
        paper = self._paper(pk)
        if not any(figure.pk == figure_id for figure in paper_figures(paper)):
            raise NotFound(_("This paper has no such figure."))
        paper_figure_remove(paper=paper, figure_id=figure_id, registration=registration)
        return self._list(paper)
