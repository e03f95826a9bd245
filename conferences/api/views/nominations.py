"""Award nominations over the API (/conferences/{slug}/nominations/).

Organizers (signed in) list every nomination with the panel's ranking, nominate any agency or
person, approve nominations into an award decision and reject them. An agency's delegate
authenticates with the token of their personal link (`Authorization: Delegate <token>`) and
lists, sends and withdraws only the nominations sent through that link.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from conferences.api import schema as api_schema
from conferences.api.filters import SEARCH_PARAMETER, search_words
from conferences.api.serializers.nominations import (
    NominationApproveSerializer,
    NominationSerializer,
    NominationWriteSerializer,
)
from conferences.api.serializers.papers import CriterionSerializer
from conferences.api.throttling import ClientScopedRateThrottle, PersonalLinkGuessThrottle
from conferences.api.views.papers import (
    AUTHENTICATION,
    ConferenceFromUrlMixin,
    IsOrganizerOrDelegate,
    request_delegate,
)
from conferences.exports.nomination_files import nomination_file_response
from conferences.models import Nomination
from conferences.selectors.nominations import (
    nomination_criteria,
    nomination_get,
    nomination_of_registration,
    nominations_of_registration,
    nominations_ranking,
)
from conferences.services.nominations import (
    MAX_FILE_BYTES,
    nomination_create,
    nomination_criteria_replace,
    nomination_reject,
    nomination_withdraw,
    nominations_approve,
)
from core.api import ERRORS, JSON_ERRORS
from core.parsers import JSONParser
from core.text import matches_words
from core.uploads import UploadSizeLimitedViewMixin, raise_if_upload_refused


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List award nominations"),
        description=gettext_lazy(
            "Organizers: every nomination, best weighted panel score first, with `mean_score` and `scores`. "
            "A delegate (Authorization: Delegate <token>): the nominations sent through their link."
        ),
        parameters=[SEARCH_PARAMETER],
        responses={200: NominationSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Read a nomination"),
        responses={200: NominationSerializer, **ERRORS},
    ),
    create=extend_schema(
        summary=gettext_lazy("Nominate an agency or a person for an award"),
        description=gettext_lazy(
            "Organizers: anyone. A delegate's link: only their own agency or its people. Before the "
            "conference's nomination deadline; the supporting file (PDF or DOCX, up to 10 MB) passes the "
            "same checks as papers."
        ),
        request={
            "application/json": NominationWriteSerializer,
            "multipart/form-data": NominationWriteSerializer,
        },
        responses={201: NominationSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "An agency nominates itself",
                value={
                    "category": 1,
                    "nominee_organization": 12,
                    "justification": "Đã có thành tích xuất sắc trong áp dụng TCVN ISO 9001.",
                },
                request_only=True,
            )
        ],
    ),
)
class NominationViewSet(UploadSizeLimitedViewMixin, ConferenceFromUrlMixin, viewsets.GenericViewSet):
    who_may_call = {
        "criteria": api_schema.ORGANIZERS_NOT_LINK,
        "reject": api_schema.ORGANIZERS_NOT_LINK,
        "approve": api_schema.ORGANIZERS_NOT_LINK,
    }
    authentication_classes = AUTHENTICATION
    permission_classes = [IsOrganizerOrDelegate]
    throttle_classes = [ClientScopedRateThrottle, PersonalLinkGuessThrottle]
    throttle_scope = "rsvp"
    http_method_names = ["get", "post", "put", "head", "options"]
    lookup_value_regex = r"\d+"  # nominations/x/ is the API's 404, not an int("x") in the selector.
    serializer_class = NominationSerializer
    queryset = Nomination.objects.none()
    pagination_class = None

    def upload_max_bytes(self, request) -> int | None:
        return MAX_FILE_BYTES

    def get_throttles(self):
        # Delegates share the personal-link budget; organizers' signed-in calls are not throttled here.
        if request_delegate(self.request) is None and self.request.user.is_authenticated:
            return []
        return super().get_throttles()

    def _nomination(self, pk) -> Nomination:
        registration = request_delegate(self.request)
        if registration is not None:
            nomination = nomination_of_registration(registration=registration, pk=pk)
        else:
            nomination = nomination_get(conference=self.conference, pk=pk)
        if nomination is None:
            raise NotFound(_("No such nomination."))
        return nomination

    def _organizer_only(self) -> None:
        if request_delegate(self.request) is not None or not self.is_organizer:
            raise PermissionDenied(_("Only the conference's organizers can do this."))

    def _read(self, nomination: Nomination, code: int = status.HTTP_200_OK) -> Response:
        nomination = self._nomination(nomination.pk)
        context = {**self.get_serializer_context(), **self._ranking_context()}
        return Response(NominationSerializer(nomination, context=context).data, status=code)

    def _ranking_context(self) -> dict:
        if request_delegate(self.request) is not None:
            return {}
        return {"ranking": {row.nomination.pk: row for row in nominations_ranking(self.conference)}}

    def list(self, request, conference_slug: str):
        registration = request_delegate(request)
        if registration is not None:
            query = search_words(request)
            nominations = [
                nomination
                for nomination in nominations_of_registration(registration)
                if matches_words(query, nomination.nominee_name)
            ]
            return Response(NominationSerializer(nominations, many=True).data)
        ranking = nominations_ranking(self.conference)
        context = {**self.get_serializer_context(), "ranking": {row.nomination.pk: row for row in ranking}}
        query = search_words(request)
        nominations = [row.nomination for row in ranking if matches_words(query, row.nomination.nominee_name)]
        return Response(NominationSerializer(nominations, many=True, context=context).data)

    def retrieve(self, request, conference_slug: str, pk=None):
        return self._read(self._nomination(pk))

    def create(self, request, conference_slug: str):
        registration = request_delegate(request)
        data = request.data  # Parsed first: the size limit marks the request while parsing.
        raise_if_upload_refused(request)
        serializer = NominationWriteSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        nomination = nomination_create(
            conference=self.conference,
            by_registration=registration,
            by_user=None if registration else request.user,
            **serializer.service_kwargs(),
        )
        return self._read(nomination, status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("Download a nomination's supporting file"),
        description=gettext_lazy("Organizers, and the delegate link that sent the nomination."),
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **JSON_ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="file", url_name="file")
    def file(self, request, conference_slug: str, pk=None):
        nomination = self._nomination(pk)
        if not nomination.file:
            raise NotFound(_("This nomination has no supporting file."))
        return nomination_file_response(nomination=nomination)

    @extend_schema(
        methods=["GET"],
        summary=gettext_lazy("The panel's criteria (organizers)"),
        responses={200: CriterionSerializer(many=True), **ERRORS},
    )
    @extend_schema(
        methods=["PUT"],
        summary=gettext_lazy("Replace the panel's criteria (organizers)"),
        description=gettext_lazy(
            "The list in order, with the call for papers' rules: a criterion the panel has scored can be "
            "neither removed nor given another maximum score."
        ),
        request=CriterionSerializer(many=True),
        responses={200: CriterionSerializer(many=True), **ERRORS},
    )
    # A list body comes as JSON only: a form cannot carry it (and Redoc cannot show it as one).
    @action(detail=False, methods=["get", "put"], parser_classes=[JSONParser])
    def criteria(self, request, conference_slug: str):
        self._organizer_only()
        if request.method == "PUT":
            serializer = CriterionSerializer(data=request.data, many=True)
            serializer.is_valid(raise_exception=True)
            rows = [dict(row) for row in serializer.validated_data]
            nomination_criteria_replace(conference=self.conference, rows=rows)
        return Response(CriterionSerializer(nomination_criteria(self.conference), many=True).data)

    @extend_schema(
        summary=gettext_lazy("Withdraw a nomination"),
        description=gettext_lazy("The delegate link that sent it, or an organizer; until it is decided."),
        request=None,
        responses={200: NominationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, conference_slug: str, pk=None):
        nomination = self._nomination(pk)
        registration = request_delegate(request)
        nomination_withdraw(
            nomination=nomination,
            by_registration=registration,
            by_user=None if registration else request.user,
        )
        return self._read(nomination)

    @extend_schema(
        summary=gettext_lazy("Reject a nomination (organizers)"),
        request=None,
        responses={200: NominationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, conference_slug: str, pk=None):
        self._organizer_only()
        nomination = self._nomination(pk)
        nomination_reject(nomination=nomination, user=request.user)
        return self._read(nomination)

    @extend_schema(
        summary=gettext_lazy("Approve nominations into an award decision (organizers)"),
        description=gettext_lazy(
            "All or nothing: each nomination becomes an award of the decision, in the order given, with "
            "`citation` or its own from `citations`."
        ),
        request=NominationApproveSerializer,
        responses={200: NominationSerializer(many=True), **ERRORS},
    )
    @action(detail=False, methods=["post"])
    def approve(self, request, conference_slug: str):
        self._organizer_only()
        serializer = NominationApproveSerializer(data=request.data, context={"conference": self.conference})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        approved = nominations_approve(
            conference=self.conference,
            nomination_ids=data["nominations"],
            decision=data["decision"],
            citation_default=data["citation"],
            citations=data["citations"],
            user=request.user,
        )
        ids = {n.pk for n in approved}
        ranking = nominations_ranking(self.conference)
        context = {**self.get_serializer_context(), "ranking": {row.nomination.pk: row for row in ranking}}
        rows = [row.nomination for row in ranking if row.nomination.pk in ids]
        return Response(NominationSerializer(rows, many=True, context=context).data)
