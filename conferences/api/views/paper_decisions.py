"""The decision on one paper: /conferences/{slug}/papers/{id}/decision/ (organizers)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api.permissions import OrganizedConferenceMixin
from conferences.api.serializers.paper_decisions import PaperDecisionInputSerializer, PaperDecisionSerializer
from conferences.models import Paper
from conferences.selectors.paper_decisions import paper_decision_notice_states
from conferences.services.paper_decisions import paper_decide
from core.api import ERRORS

PARAMETERS = [
    OpenApiParameter(
        "conference_slug",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description=gettext_lazy("The conference's slug."),
    ),
]
PERMISSIONS = gettext_lazy("Permissions: the conference's organizers (or a superuser).")


class PaperDecisionView(OrganizedConferenceMixin, APIView):
    organizer_message = gettext_lazy("Only the organizers of this conference can decide on its papers.")

    def _paper(self, pk: int) -> Paper:
        paper = (
            Paper.objects.filter(conference=self.conference, pk=pk).select_related("final_revision").first()
        )
        if paper is None:
            raise NotFound(_("No such paper in this conference."))
        return paper

    @staticmethod
    def _result(paper: Paper) -> dict:
        notices = paper_decision_notice_states(paper=paper)
        return {
            "paper": paper.pk,
            "status": paper.status,
            "decided_at": paper.decided_at,
            "locked_at": paper.locked_at,
            "final_revision": paper.final_revision.number if paper.final_revision_id else None,
            "notices": notices,
            "notices_held": bool(notices.get("held")),
            "notices_sent": bool(notices.get("sent")),
        }

    @extend_schema(
        summary=gettext_lazy("Read the decision on a paper and where its letters stand"),
        description=PERMISSIONS,
        parameters=PARAMETERS,
        responses={200: PaperDecisionSerializer, **ERRORS},
    )
    def get(self, request, conference_slug: str, pk: int):
        return Response(PaperDecisionSerializer(self._result(self._paper(pk))).data)

    @extend_schema(
        summary=gettext_lazy("Accept, accept with revisions, or reject a paper"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). Accepting locks the final "
            "version at once; asking for revisions needs the call's revision round to close in the "
            "future. A paper can be decided again until its final version is locked. The letters to "
            "the authors are written by a worker and wait in the outbox for an organizer's approval."
        ),
        parameters=PARAMETERS,
        request=PaperDecisionInputSerializer,
        responses={200: PaperDecisionSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Accept with revisions",
                value={"status": "revision_requested", "note": "Hội đồng đề nghị bổ sung số liệu 2020"},
                request_only=True,
            ),
            OpenApiExample(
                "Decided",
                value={
                    "paper": 12,
                    "status": "accepted",
                    "decided_at": "2021-03-20T09:30:00+07:00",
                    "locked_at": "2021-03-20T09:30:00+07:00",
                    "final_revision": 2,
                    "notices": {"held": 2},
                    "notices_held": True,
                    "notices_sent": False,
                },
                response_only=True,
            ),
        ],
    )
    def put(self, request, conference_slug: str, pk: int):
        paper = self._paper(pk)
        serializer = PaperDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        paper = paper_decide(paper=paper, user=request.user, **serializer.validated_data)
        paper = self._paper(paper.pk)
        return Response(PaperDecisionSerializer(self._result(paper)).data)
