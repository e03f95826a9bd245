"""Award categories, award decisions, awards and the ceremony of a conference (/conferences/{slug}/...).

Organizers (or a superuser) write through the services; anyone may read the
awards of a published conference (recipient and citation only, as on its page).
"""

from functools import cached_property

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api import schema as api_schema
from conferences.api.documents import (
    DOCUMENT_DESCRIPTION,
    DOCUMENT_RESPONSES,
    LOCATION,
    RETRY_AFTER,
    stored_document_answer,
)
from conferences.api.filters import SEARCH_PARAMETER, search_words
from conferences.api.permissions import OrganizedConferenceMixin
from conferences.api.serializers.awards import (
    AwardCategorySerializer,
    AwardDecisionSerializer,
    AwardDecisionWriteSerializer,
    AwardSerializer,
    AwardWriteSerializer,
    CeremonyAdvanceSerializer,
    CeremonyOrderInputSerializer,
    CeremonySerializer,
    PublicAwardSerializer,
)
from conferences.models import AgendaItem, AwardCategory, AwardDecision, Conference, RenderedDocument
from conferences.selectors.awards import award_list_for_conference
from conferences.selectors.ceremony import (
    award_decision_get,
    award_decisions_for_conference,
    award_get_for_conference,
    ceremony_running_order,
    ceremony_state_get,
)
from conferences.selectors.conferences import conference_get_for_user, user_is_organizer
from conferences.services.awards import (
    award_category_create,
    award_create,
    award_decision_create,
    award_decision_update,
    award_delete,
    award_update,
)
from conferences.services.ceremony import ceremony_advance, ceremony_batches_set
from core.api import ERRORS
from core.renderers import FileEndpointMixin, PdfRenderer
from core.text import matches_words

SLUG = OpenApiParameter(
    "conference_slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=gettext_lazy("The conference's slug."),
)
ORGANIZERS = gettext_lazy("Permissions: the conference's organizers (or a superuser).")
MANAGE_AWARDS = gettext_lazy("Only the organizers of this conference can manage its awards.")
RUN_CEREMONY = gettext_lazy("Only the organizers of this conference can run its awards ceremony.")


class VisibleConferenceMixin:
    """The conference of the URL if the user may see it (published, or a draft they organize)."""

    permission_classes = [AllowAny]

    @cached_property
    def conference(self) -> Conference:
        try:
            return conference_get_for_user(slug=self.kwargs["conference_slug"], user=self.request.user)
        except Conference.DoesNotExist as exc:
            raise NotFound(_("No such conference.")) from exc

    @cached_property
    def is_organizer(self) -> bool:
        return user_is_organizer(user=self.request.user, conference=self.conference)

    def require_organizer(self, message) -> None:
        if not self.is_organizer:
            raise PermissionDenied(message)


# Categories -----------------------------------------------------------------------------------------


class AwardCategoryListView(VisibleConferenceMixin, APIView):
    who_may_call = {"get": api_schema.PUBLISHED_OR_ORGANIZERS, "post": api_schema.STAFF}
    # A category is shared by every conference: a token scoped to one may not add one.
    token_scope_shared = True

    @extend_schema(
        summary=gettext_lazy("List the award categories"),
        description=gettext_lazy(
            "Categories are shared by every conference. Anyone who sees the conference."
        ),
        parameters=[SLUG],
        responses={200: AwardCategorySerializer(many=True), **ERRORS},
    )
    def get(self, request, conference_slug: str):
        self.conference  # noqa: B018 - a conference the user may not see is a 404.
        return Response(AwardCategorySerializer(AwardCategory.objects.order_by("name_vi"), many=True).data)

    @extend_schema(
        summary=gettext_lazy("Add an award category (staff)"),
        description=gettext_lazy("Permissions: staff. The face's paper is its width and height in mm."),
        parameters=[SLUG],
        request=AwardCategorySerializer,
        responses={201: AwardCategorySerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Giấy khen",
                value={
                    "code": "giay-khen",
                    "name_vi": "Giấy khen của Giám đốc Sở",
                    "short_name": "GIẤY KHEN",
                    "issuer_title": "GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ",
                    "page_width_mm": 297,
                    "page_height_mm": 210,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, conference_slug: str):
        self.conference  # noqa: B018 - a conference the user may not see is a 404.
        if not (request.user.is_authenticated and request.user.is_staff):
            raise PermissionDenied(_("Only staff can add award categories."))
        serializer = AwardCategorySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = award_category_create(**serializer.validated_data)
        return Response(AwardCategorySerializer(category).data, status=status.HTTP_201_CREATED)


# Decisions ------------------------------------------------------------------------------------------

_DECISION_EXAMPLE = OpenApiExample(
    "The model case's decision",
    value={
        "subject": "Về việc tặng Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ",
        "signed_on": "2021-04-05",
        "signing_authority": "KT. BỘ TRƯỞNG",
        "signer_title": "THỨ TRƯỞNG",
        "signer_name": "Trần Văn B",
    },
    request_only=True,
)


class AwardDecisionListView(OrganizedConferenceMixin, APIView):
    organizer_message = MANAGE_AWARDS

    @extend_schema(
        summary=gettext_lazy("List the conference's award decisions with their awards"),
        description=ORGANIZERS,
        parameters=[SLUG],
        responses={200: AwardDecisionSerializer(many=True), **ERRORS},
    )
    def get(self, request, conference_slug: str):
        decisions = award_decisions_for_conference(conference=self.conference)
        return Response(AwardDecisionSerializer(decisions, many=True).data)

    @extend_schema(
        summary=gettext_lazy("Create an award decision"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). The decision takes the next "
            "decision number (QĐ) of the conference's host for the year it is signed, e.g. 456/QĐ-BKHCN."
        ),
        parameters=[SLUG],
        request=AwardDecisionWriteSerializer,
        responses={201: AwardDecisionSerializer, **ERRORS},
        examples=[_DECISION_EXAMPLE],
    )
    def post(self, request, conference_slug: str):
        serializer = AwardDecisionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = award_decision_create(
            issuer=self.conference.host, conference=self.conference, **serializer.validated_data
        )
        decision = award_decision_get(conference=self.conference, pk=decision.pk)
        return Response(AwardDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class AwardDecisionDetailView(OrganizedConferenceMixin, APIView):
    organizer_message = MANAGE_AWARDS

    def _decision(self, pk: int) -> AwardDecision:
        decision = award_decision_get(conference=self.conference, pk=pk)
        if decision is None:
            raise NotFound(_("No such decision in this conference."))
        return decision

    @extend_schema(
        summary=gettext_lazy("Read an award decision"),
        description=ORGANIZERS,
        parameters=[SLUG],
        responses={200: AwardDecisionSerializer, **ERRORS},
    )
    def get(self, request, conference_slug: str, pk: int):
        return Response(AwardDecisionSerializer(self._decision(pk)).data)

    @extend_schema(
        summary=gettext_lazy("Change an award decision's subject, date or signer"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). The number stays, so the date "
            "stays in its year; refused once certificates were issued under the decision."
        ),
        parameters=[SLUG],
        request=AwardDecisionWriteSerializer(partial=True),
        responses={200: AwardDecisionSerializer, **ERRORS},
    )
    def patch(self, request, conference_slug: str, pk: int):
        decision = self._decision(pk)
        serializer = AwardDecisionWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        award_decision_update(decision=decision, **serializer.validated_data)
        return Response(AwardDecisionSerializer(self._decision(pk)).data)


class AwardDecisionDocumentView(FileEndpointMixin, OrganizedConferenceMixin, APIView):
    organizer_message = MANAGE_AWARDS
    renderer_classes = [PdfRenderer]

    @extend_schema(
        summary=gettext_lazy("The award decision as a PDF (Decree 30 format, recipients in an annex)"),
        description=format_lazy("{} {}", ORGANIZERS, DOCUMENT_DESCRIPTION),
        parameters=[SLUG, RETRY_AFTER, LOCATION],
        responses=DOCUMENT_RESPONSES,
    )
    def get(self, request, conference_slug: str, pk: int):
        return stored_document_answer(
            request,
            self.conference,
            kind=RenderedDocument.Kind.AWARD_DECISION,
            subject_id=pk,
            not_found=_("No such decision in this conference."),
        )


# Awards ---------------------------------------------------------------------------------------------


class AwardListView(VisibleConferenceMixin, APIView):
    who_may_call = {"get": api_schema.PUBLISHED_OR_ORGANIZERS, "post": api_schema.ORGANIZERS}

    @extend_schema(
        summary=gettext_lazy("List the conference's awards"),
        description=gettext_lazy(
            "Anyone, for a published conference: the recipient and the citation of each award of the "
            "conference's decisions. Its organizers see every field."
        ),
        parameters=[SLUG, SEARCH_PARAMETER],
        responses={200: AwardSerializer(many=True), **ERRORS},
    )
    def get(self, request, conference_slug: str):
        query = search_words(request)
        awards = [
            award
            for award in award_list_for_conference(conference=self.conference).select_related("batch")
            if matches_words(query, award.recipient_name)
        ]
        serializer = AwardSerializer if self.is_organizer else PublicAwardSerializer
        return Response(serializer(awards, many=True).data)

    @extend_schema(
        summary=gettext_lazy("Add an award to one of the conference's decisions"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). Exactly one recipient: an "
            "agency or a person. Refused once certificates were issued under the decision."
        ),
        parameters=[SLUG],
        request=AwardWriteSerializer,
        responses={201: AwardSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Quảng Ninh's Bằng khen",
                value={
                    "decision": 3,
                    "category": 1,
                    "recipient_organization": 12,
                    "citation": "Đã có thành tích xuất sắc trong việc xây dựng, áp dụng Hệ thống quản lý "
                    "chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001 giai đoạn 2015 - 2020",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, conference_slug: str):
        self.require_organizer(MANAGE_AWARDS)
        serializer = AwardWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        decision = AwardDecision.objects.filter(conference=self.conference, pk=data.pop("decision")).first()
        if decision is None:
            raise NotFound(_("No such decision in this conference."))
        award = award_create(decision=decision, **data)
        award = award_get_for_conference(conference=self.conference, pk=award.pk)
        return Response(AwardSerializer(award).data, status=status.HTTP_201_CREATED)


class AwardDetailView(OrganizedConferenceMixin, APIView):
    organizer_message = MANAGE_AWARDS

    def _award(self, pk: int):
        award = award_get_for_conference(conference=self.conference, pk=pk)
        if award is None:
            raise NotFound(_("No such award in this conference."))
        return award

    @extend_schema(
        summary=gettext_lazy("Read an award"), description=ORGANIZERS, parameters=[SLUG],
        responses={200: AwardSerializer, **ERRORS},
    )  # fmt: skip
    def get(self, request, conference_slug: str, pk: int):
        return Response(AwardSerializer(self._award(pk)).data)

    @extend_schema(
        summary=gettext_lazy("Change an award"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). Its decision cannot change; "
            "refused once certificates were issued under the decision."
        ),
        parameters=[SLUG],
        request=AwardWriteSerializer(partial=True),
        responses={200: AwardSerializer, **ERRORS},
    )
    def patch(self, request, conference_slug: str, pk: int):
        award = self._award(pk)
        serializer = AwardWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("decision", None)
        award_update(award=award, **data)
        return Response(AwardSerializer(self._award(pk)).data)

    @extend_schema(
        summary=gettext_lazy("Remove an award from its decision"),
        description=ORGANIZERS,
        parameters=[SLUG],
        responses={204: None, **ERRORS},
    )
    def delete(self, request, conference_slug: str, pk: int):
        award_delete(award=self._award(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# The ceremony ---------------------------------------------------------------------------------------


def _ceremony_data(conference: Conference) -> dict:
    state = ceremony_state_get(conference=conference)
    return {
        "step": state.step if state else 0,
        "current_batch": state.current_batch.position if state and state.current_batch_id else None,
        "updated_at": state.updated_at if state else None,
        "batches": ceremony_running_order(conference=conference),
    }


class CeremonyView(OrganizedConferenceMixin, APIView):
    organizer_message = RUN_CEREMONY

    @extend_schema(
        summary=gettext_lazy("Read the ceremony's running order and where it stands"),
        description=ORGANIZERS,
        parameters=[SLUG],
        responses={200: CeremonySerializer, **ERRORS},
    )
    def get(self, request, conference_slug: str):
        return Response(CeremonySerializer(_ceremony_data(self.conference)).data)

    @extend_schema(
        summary=gettext_lazy("Replace the running order"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). Batches are called in list "
            "order; each award of the conference's decisions is in at most one batch. A ceremony under "
            "way stays at the same position."
        ),
        parameters=[SLUG],
        request=CeremonyOrderInputSerializer,
        responses={200: CeremonySerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Two batches",
                value={
                    "batches": [
                        {"title": "Tập thể xuất sắc", "presenter": "Bộ trưởng", "award_ids": [7]},
                        {"title": "Cá nhân", "presenter": "Thứ trưởng", "award_ids": [8, 9]},
                    ]
                },
                request_only=True,
            )
        ],
    )
    def put(self, request, conference_slug: str):
        serializer = CeremonyOrderInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item_id = serializer.validated_data.get("agenda_item")
        item = None
        if item_id is not None:
            item = AgendaItem.objects.filter(conference=self.conference, pk=item_id).first()
            if item is None:
                raise NotFound(_("No such agenda item in this conference."))
        ceremony_batches_set(
            conference=self.conference,
            agenda_item=item,
            batches=[dict(batch) for batch in serializer.validated_data["batches"]],
        )
        return Response(CeremonySerializer(_ceremony_data(self.conference)).data)


class CeremonyAdvanceView(OrganizedConferenceMixin, APIView):
    organizer_message = RUN_CEREMONY

    @extend_schema(
        summary=gettext_lazy("Move the stage to the next or previous batch, or to a position"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). Each call is one step: two "
            "organizers pressing at once move two batches. Past the last or before the first batch "
            "is a 400."
        ),
        parameters=[SLUG],
        request=CeremonyAdvanceSerializer,
        responses={200: CeremonySerializer, **ERRORS},
        examples=[
            OpenApiExample("Next", value={"direction": 1}, request_only=True),
            OpenApiExample("Go to batch 3", value={"to": 3}, request_only=True),
        ],
    )
    def post(self, request, conference_slug: str):
        serializer = CeremonyAdvanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ceremony_advance(conference=self.conference, user=request.user, **serializer.validated_data)
        return Response(CeremonySerializer(_ceremony_data(self.conference)).data)
