"""The call for papers and papers over the API.

Organizers (signed in) read and change the call, and list and read every paper. A delegate
authenticates with the token of their personal link (`Authorization: Delegate <token>`) and
lists, sends, changes (each change a new revision), withdraws and downloads only the papers
sent through that link; another paper is a 404.
"""

from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api import schema as api_schema
from conferences.api.authentication import ApiTokenAuthentication, DelegateTokenAuthentication
from conferences.api.serializers.papers import (
    CallForPapersSerializer,
    PaperFilterSerializer,
    PaperSerializer,
    PaperWriteSerializer,
    RevisionSerializer,
    WithdrawSerializer,
)
from conferences.api.throttling import ClientScopedRateThrottle, PersonalLinkGuessThrottle
from conferences.exports.paper_files import paper_file_response
from conferences.models import Conference, Paper, Registration
from conferences.selectors.conferences import conference_get_for_user, user_is_organizer
from conferences.selectors.papers import (
    call_criteria,
    call_for_papers_get,
    call_topics,
    paper_get_for_organizers,
    paper_of_registration,
    paper_reviews_for_author,
    paper_revision_get,
    papers_for_organizers,
    papers_of_registration,
)
from conferences.services.call_for_papers import call_for_papers_update
from conferences.services.papers import paper_edit, paper_submit, paper_withdraw
from core.api import ERRORS, JSON_ERRORS
from core.uploads import MB, UploadSizeLimitedViewMixin, raise_if_upload_refused

AUTHENTICATION = [
    DelegateTokenAuthentication,
    TokenAuthentication,
    ApiTokenAuthentication,
    SessionAuthentication,
]


def request_delegate(request) -> Registration | None:
    """The registration whose delegate link authenticated the request (`Authorization: Delegate`), if any."""
    return request.auth if isinstance(request.auth, Registration) else None


class ConferenceFromUrlMixin:
    @cached_property
    def conference(self) -> Conference:
        registration = request_delegate(self.request)
        if registration is not None:
            if registration.conference.slug != self.kwargs["conference_slug"]:
                raise NotFound(_("No such conference."))
            return registration.conference
        try:
            return conference_get_for_user(slug=self.kwargs["conference_slug"], user=self.request.user)
        except Conference.DoesNotExist as exc:
            raise NotFound(_("No such conference.")) from exc

    @cached_property
    def is_organizer(self) -> bool:
        return user_is_organizer(user=self.request.user, conference=self.conference)


class CallForPapersView(ConferenceFromUrlMixin, APIView):
    """Read the call (anyone, once the conference is published; organizers always); change it (organizers)."""

    who_may_call = {"get": api_schema.PUBLISHED_OR_ORGANIZERS, "patch": api_schema.ORGANIZERS}

    permission_classes = [AllowAny]

    def _read(self) -> Response:
        call = call_for_papers_get(self.conference)
        context = {"topics": call_topics(self.conference), "criteria": call_criteria(self.conference)}
        return Response(CallForPapersSerializer(call, context=context).data)

    @extend_schema(
        summary=gettext_lazy("Read the call for papers"),
        description=gettext_lazy("Anyone, once the conference is published; its organizers always."),
        responses={200: CallForPapersSerializer, **ERRORS},
    )
    def get(self, request, conference_slug: str):
        if self.conference.status == Conference.Status.DRAFT and not self.is_organizer:
            raise NotFound(_("No such conference."))
        return self._read()

    @extend_schema(
        summary=gettext_lazy("Change the call for papers"),
        description=gettext_lazy(
            "Organizers only. Settings left out keep their value; `topics` and `criteria`, when given, "
            "replace the lists (a topic or criterion that papers or reviews use cannot be removed)."
        ),
        request=CallForPapersSerializer,
        responses={200: CallForPapersSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Close the call and set the topics",
                value={"closes_at": "2021-04-05T17:00:00+07:00", "topics": ["Điều 4", "Điều 5"]},
                request_only=True,
            )
        ],
    )
    def patch(self, request, conference_slug: str):
        if not self.is_organizer:
            raise PermissionDenied(_("Only the conference's organizers can change its call for papers."))
        serializer = CallForPapersSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("state", None)
        if "criteria" in data:
            data["criteria"] = [dict(row) for row in data["criteria"]]
        call_for_papers_update(conference=self.conference, user=request.user, **data)
        return self._read()


class IsOrganizerOrDelegate(BasePermission):
    message = gettext_lazy("Only the conference's organizers or a delegate with their link can do this.")

    def has_permission(self, request, view) -> bool:
        return request_delegate(request) is not None or view.is_organizer


_PAPER_EXAMPLE = OpenApiExample(
    "A paper with two authors (JSON; in multipart, send `authors` as JSON text and the file as `file`)",
    value={
        "title": "Kết quả áp dụng TCVN ISO 9001 tại tỉnh Quảng Ninh",
        "abstract": "Tóm tắt kết quả giai đoạn 2015 - 2020.",
        "body": "# Mở đầu\n\nNội dung.",
        "topic": None,
        "authors": [
            {
                "full_name": "Lê Văn C",
                "organization": 12,
                "email": "c@skhcn.quangninh.gov.vn",
                "position": "Giám đốc",
            },
            {"full_name": "Trần Thị D", "organization": 12, "email": "", "position": "Phó phòng"},
        ],
        "presenter_index": 0,
    },
    request_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List papers"),
        description=gettext_lazy(
            "Organizers: every paper of the conference, with filters and an accent-insensitive search. "
            "A delegate (Authorization: Delegate <token>): the papers sent through their link."
        ),
        parameters=[PaperFilterSerializer],
        responses={200: PaperSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Read a paper"),
        description=gettext_lazy("Organizers: any paper of the conference. A delegate: only their own."),
        responses={200: PaperSerializer, **ERRORS},
    ),
    create=extend_schema(
        summary=gettext_lazy("Send a paper (delegates, through their link)"),
        request={"application/json": PaperWriteSerializer, "multipart/form-data": PaperWriteSerializer},
        responses={201: PaperSerializer, **ERRORS},
        examples=[_PAPER_EXAMPLE],
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Change a paper: a new revision (delegates, their own paper)"),
        description=gettext_lazy(
            "Fields left out are taken from the current revision; without a file the new revision keeps "
            "the previous file. Allowed while the call is open, or in a revision round until it closes."
        ),
        request={"application/json": PaperWriteSerializer, "multipart/form-data": PaperWriteSerializer},
        responses={200: PaperSerializer, **ERRORS},
        examples=[_PAPER_EXAMPLE],
    ),
)
class PaperViewSet(UploadSizeLimitedViewMixin, ConferenceFromUrlMixin, viewsets.GenericViewSet):
    who_may_call = {"create": api_schema.DELEGATE_ONLY, "partial_update": api_schema.DELEGATE_ONLY}
    authentication_classes = AUTHENTICATION
    permission_classes = [IsOrganizerOrDelegate]
    throttle_classes = [ClientScopedRateThrottle, PersonalLinkGuessThrottle]
    throttle_scope = "rsvp"
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"  # papers/x/ is the API's 404, not an int("x") in the selector.
    serializer_class = PaperSerializer
    queryset = Paper.objects.none()

    def upload_max_bytes(self, request) -> int | None:
        if getattr(self, "swagger_fake_view", False):  # The schema generator's fake request.
            return None
        call = (
            Conference.objects.filter(slug=self.kwargs.get("conference_slug"))
            .values_list("call_for_papers__max_file_mb", flat=True)
            .first()
        )
        return call * MB if call else None

    def get_throttles(self):
        # Delegates share the personal-link budget; organizers' signed-in calls are not throttled here.
        if request_delegate(self.request) is None and self.request.user.is_authenticated:
            return []
        return super().get_throttles()

    @cached_property
    def call(self):
        return call_for_papers_get(self.conference)

    def _context(self, papers: list[Paper]) -> dict:
        reviews = {paper.pk: paper_reviews_for_author(paper) for paper in papers if paper.decided_at}
        return {
            **self.get_serializer_context(),
            "call": self.call,
            "conference": self.conference,
            "reviews": reviews,
        }

    def _paper(self, pk) -> Paper:
        registration = request_delegate(self.request)
        if registration is not None:
            paper = paper_of_registration(registration=registration, pk=pk)
        else:
            paper = paper_get_for_organizers(conference=self.conference, pk=pk)
        if paper is None:
            raise NotFound(_("No such paper."))
        return paper

    def _read(self, paper: Paper, code: int = status.HTTP_200_OK) -> Response:
        paper = self._paper(paper.pk)
        return Response(PaperSerializer(paper, context=self._context([paper])).data, status=code)

    def _registration_only(self) -> Registration:
        registration = request_delegate(self.request)
        if registration is None:
            raise PermissionDenied(_("Papers are sent by delegates, through their personal link."))
        return registration

    def list(self, request, conference_slug: str):
        registration = request_delegate(request)
        if registration is not None:
            papers = papers_of_registration(registration)
            return Response(PaperSerializer(papers, many=True, context=self._context(papers)).data)
        filters = PaperFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        queryset = papers_for_organizers(
            conference=self.conference,
            status=data.get("status", ""),
            topic=data.get("topic"),
            organization=data.get("organization"),
            query=data.get("q", ""),
            ordering=data.get("ordering", ""),
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(PaperSerializer(page, many=True, context=self._context(page)).data)

    def retrieve(self, request, conference_slug: str, pk=None):
        return self._read(self._paper(pk))

    def create(self, request, conference_slug: str):
        registration = self._registration_only()
        data = request.data  # Parsed first: the size limit marks the request while parsing.
        raise_if_upload_refused(request)
        serializer = PaperWriteSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        paper = paper_submit(registration=registration, **serializer.service_kwargs(self.conference))
        return self._read(paper, status.HTTP_201_CREATED)

    def partial_update(self, request, conference_slug: str, pk=None):
        self._registration_only()
        paper = self._paper(pk)
        sent = request.data  # Parsed first: the size limit marks the request while parsing.
        raise_if_upload_refused(request)
        current = paper.revisions.all()[len(paper.revisions.all()) - 1]
        merged = {
            "title": current.title,
            "abstract": current.abstract,
            "body": current.body,
            "topic": current.topic_id,
            "authors": [
                {
                    "full_name": a.person.full_name,
                    "organization": a.person.organization_id,
                    "email": a.person.email,
                    "position": a.person.position,
                }
                for a in paper.authorships.all()
            ],
            "presenter_index": next((i for i, a in enumerate(paper.authorships.all()) if a.is_presenter), 0),
        }
        data = {**merged, **{key: sent[key] for key in sent}}
        serializer = PaperWriteSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        paper_edit(paper=paper, **serializer.service_kwargs(self.conference))
        return self._read(paper)

    @extend_schema(
        summary=gettext_lazy("Withdraw a paper"),
        description=gettext_lazy(
            "The delegate who sent it, or an organizer; until the decision. Revisions are kept."
        ),
        request=WithdrawSerializer,
        responses={200: PaperSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, conference_slug: str, pk=None):
        paper = self._paper(pk)
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = request_delegate(request)
        paper_withdraw(
            paper=paper,
            registration=registration,
            user=None if registration else request.user,
            reason=serializer.validated_data["reason"],
        )
        return self._read(paper)

    @extend_schema(
        summary=gettext_lazy("List a paper's revisions"),
        description=gettext_lazy(
            "Organizers, and the delegate who sent the paper. Each with its download link."
        ),
        responses={200: RevisionSerializer(many=True), **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def revisions(self, request, conference_slug: str, pk=None):
        paper = self._paper(pk)
        context = {**self.get_serializer_context(), "conference": self.conference}
        return Response(RevisionSerializer(list(paper.revisions.all()), many=True, context=context).data)

    @extend_schema(
        summary=gettext_lazy("Download a paper's file"),
        description=gettext_lazy(
            "Organizers, and the delegate who sent the paper: the current file, or ?revision=<number>."
        ),
        parameters=[
            OpenApiParameter("revision", OpenApiTypes.INT, description=gettext_lazy("A revision number."))
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **JSON_ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="file", url_name="file")
    def file(self, request, conference_slug: str, pk=None):
        paper = self._paper(pk)
        number = request.query_params.get("revision")
        if number is not None:
            revision = paper_revision_get(paper=paper, number=int(number)) if number.isdigit() else None
        else:
            revision = paper.current_revision
        if revision is None or not revision.file:
            raise NotFound(_("This paper has no such file."))
        return paper_file_response(revision=revision, blind=False)
