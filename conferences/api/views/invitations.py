"""The invitations API: organizers manage a conference's invitations and registrations,
invited agencies answer through their personal link (conferences.api.views.rsvp).

Every organizer endpoint is nested under its conference (/conferences/{slug}/...):
the conference is looked up among those the user may see (404 otherwise), then
the user must organize it (403 otherwise). Rows come from the selectors, writes
go through the services.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from conferences.api.documents import (
    DOCUMENT_DESCRIPTION,
    DOCUMENT_RESPONSES,
    LOCATION,
    RETRY_AFTER,
    stored_document_answer,
)
from conferences.api.filters import InvitationFilter, RegistrationFilter
from conferences.api.permissions import OrganizedConferenceMixin
from conferences.api.serializers.check_in import CheckInResultSerializer
from conferences.api.serializers.invitations import (
    InvitationBulkCreateResultSerializer,
    InvitationBulkCreateSerializer,
    InvitationCountsSerializer,
    InvitationCreateSerializer,
    InvitationIdsSerializer,
    InvitationRevokeSerializer,
    InvitationSendSerializer,
    InvitationSentSerializer,
    InvitationSerializer,
    InvitationUpdateSerializer,
    QueuedResultSerializer,
    RegistrationSerializer,
    RsvpAnswerSerializer,
    invitation_counts_data,
)
from conferences.api.views.check_in import RESULT_EXAMPLES
from conferences.models import Invitation, Registration, RenderedDocument
from conferences.selectors.invitations import invitation_counts, invitation_list
from conferences.selectors.organizations import organization_search
from conferences.services.check_in import registration_check_in
from conferences.services.invitation_sending import (
    invitation_remind,
    invitation_revoke,
    invitation_send,
    invitation_send_bulk,
)
from conferences.services.invitations import (
    invitation_bulk_create,
    invitation_create,
    invitation_delete,
    invitation_update,
    registration_cancel,
)
from core.api import ERRORS
from core.renderers import FileEndpointMixin, PdfRenderer

CONFERENCE_SLUG = OpenApiParameter(
    "conference_slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=gettext_lazy("The conference's slug."),
)


# The conference of the URL ---------------------------------------------------------------------------


class ConferenceScopedMixin(OrganizedConferenceMixin):
    """Organizer endpoints under /conferences/{slug}/ with numeric ids and filters."""

    filter_backends = [filters.DjangoFilterBackend]
    lookup_value_regex = r"\d+"

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "conference_slug": self.kwargs.get("conference_slug")}


# Invitations -----------------------------------------------------------------------------------------


@extend_schema(parameters=[CONFERENCE_SLUG])
@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List a conference's invitations"),
        responses={200: InvitationSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Read an invitation"), responses={200: InvitationSerializer, **ERRORS}
    ),
    create=extend_schema(
        summary=gettext_lazy("Invite an organization or a person (a draft)"),
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Change a draft invitation"),
        request=InvitationUpdateSerializer,
        responses={200: InvitationSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary=gettext_lazy("Delete a draft invitation"), responses={204: None, **ERRORS}),
)
class InvitationViewSet(
    FileEndpointMixin,
    ConferenceScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A conference's invitations, for its organizers."""

    serializer_class = InvitationSerializer
    filterset_class = InvitationFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return invitation_list(conference=self.conference)

    def get_object(self) -> Invitation:
        invitation = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if invitation is None:
            raise NotFound(_("No such invitation."))
        invitation.conference = self.conference
        return invitation

    def _read(self, invitation: Invitation, status_code: int = status.HTTP_200_OK) -> Response:
        """Answer with the invitation as the list shows it, read again after the write."""
        fresh = self.get_queryset().get(pk=invitation.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    def create(self, request, conference_slug=None):
        context = {**self.get_serializer_context(), "conference": self.conference}
        serializer = InvitationCreateSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        invitation = invitation_create(conference=self.conference, **serializer.validated_data)
        return self._read(invitation, status.HTTP_201_CREATED)

    def partial_update(self, request, conference_slug=None, pk=None):
        invitation = self.get_object()
        serializer = InvitationUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        invitation_update(invitation=invitation, **serializer.validated_data)
        return self._read(invitation)

    def destroy(self, request, conference_slug=None, pk=None):
        invitation_delete(invitation=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary=gettext_lazy("Invite many organizations at once (drafts); those invited already are skipped"),
        description=gettext_lazy(
            "Either a list of organization ids, or every organization of a kind except the host."
        ),
        request=InvitationBulkCreateSerializer,
        responses={201: InvitationBulkCreateResultSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request, conference_slug=None):
        serializer = InvitationBulkCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organizations = data.pop("organizations", None)
        kind = data.pop("organization_kind", None)
        if organizations is None:
            # The service leaves the host out: "every ministry" means every other ministry.
            organizations = list(organization_search(kind=kind).order_by("name", "pk"))
        created, skipped = invitation_bulk_create(
            conference=self.conference, organizations=organizations, **data
        )
        return Response(
            {"created": len(created), "skipped": [organization.name for organization in skipped]},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        operation_id="conferences_invitations_send_many",
        summary=gettext_lazy("Send draft invitations (held in the outbox for approval)"),
        description=gettext_lazy(
            "Only drafts of this conference are sent; the letters are made by a worker and the "
            "e-mails wait in the outbox for an organizer's approval."
        ),
        request=InvitationIdsSerializer,
        responses={202: QueuedResultSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="send", url_name="send-many")
    def send_many(self, request, conference_slug=None):
        serializer = InvitationIdsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = invitation_send_bulk(
            conference=self.conference, invitation_ids=serializer.validated_data["ids"], actor=request.user
        )
        queued = {"queued": job.total if job else 0, "job": job.pk if job else None}
        return Response(queued, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary=gettext_lazy("Count the invitations by state, and by agency kind and province"),
        responses={200: InvitationCountsSerializer, **ERRORS},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def counts(self, request, conference_slug=None):
        return Response(invitation_counts_data(invitation_counts(conference=self.conference)))

    @extend_schema(
        summary=gettext_lazy("Send one invitation now, or send it again"),
        description=gettext_lazy(
            "The first send numbers the letter; each send writes a new e-mail with the letter "
            "and a new RSVP link to the outbox. The answer comes at once with the invitation "
            "numbered and counted; a worker then renders the letter and writes the e-mails "
            "(`letter_pending` is true until they are in the outbox)."
        ),
        request=InvitationSendSerializer,
        responses={200: InvitationSentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def send(self, request, conference_slug=None, pk=None):
        invitation = self.get_object()
        serializer = InvitationSendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation_send(invitation=invitation, actor=request.user, hold=serializer.validated_data["hold"])
        fresh = self.get_queryset().get(pk=invitation.pk)
        return Response(InvitationSentSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=gettext_lazy("Remind an agency that has not answered"),
        request=None,
        responses={202: QueuedResultSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def remind(self, request, conference_slug=None, pk=None):
        notices = invitation_remind(invitation=self.get_object(), actor=request.user)
        return Response({"queued": len(notices)}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary=gettext_lazy("Withdraw an invitation"),
        description=gettext_lazy("Its links stop working, waiting e-mails are cancelled, its delegates too."),
        request=InvitationRevokeSerializer,
        responses={200: InvitationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, conference_slug=None, pk=None):
        invitation = self.get_object()
        serializer = InvitationRevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation_revoke(
            invitation=invitation, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return self._read(invitation)

    @extend_schema(
        summary=gettext_lazy("Answer for the agency (a reply by phone)"),
        description=gettext_lazy("The same answer as through the RSVP link, recorded in the audit log."),
        request=RsvpAnswerSerializer,
        responses={200: InvitationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, conference_slug=None, pk=None):
        invitation = self.get_object()
        RsvpAnswerSerializer(data=request.data).submit(invitation=invitation, actor=request.user)
        return self._read(invitation)

    @extend_schema(
        summary=gettext_lazy("The invitation letter (PDF)"),
        description=format_lazy(
            "{} {}",
            gettext_lazy(
                "A sent invitation's letter carries its number; a draft's letter is a preview "
                "without a number, named giay-moi-du-thao-<id>.pdf."
            ),
            DOCUMENT_DESCRIPTION,
        ),
        parameters=[RETRY_AFTER, LOCATION],
        responses=DOCUMENT_RESPONSES,
    )
    def letter(self, request, conference_slug=None, pk=None):
        invitation = self.get_object()
        return stored_document_answer(
            request,
            self.conference,
            kind=RenderedDocument.Kind.INVITATION_LETTER,
            subject_id=invitation.pk,
            not_found=_("No such invitation in this conference."),
        )


# The letter is a PDF (for Accept: application/pdf or */*); its errors are JSON (FileEndpointMixin).
invitation_letter_view = InvitationViewSet.as_view({"get": "letter"}, renderer_classes=[PdfRenderer])


# Registrations ---------------------------------------------------------------------------------------


@extend_schema(parameters=[CONFERENCE_SLUG])
@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List a conference's registrations"),
        responses={200: RegistrationSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Read a registration"), responses={200: RegistrationSerializer, **ERRORS}
    ),
)
class RegistrationViewSet(
    ConferenceScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A conference's registrations, for its organizers and the reception desk."""

    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Registration.objects.none()
        return (
            Registration.objects.filter(conference=self.conference)
            .select_related("person", "organization__province")
            .order_by("person__sort_key", "pk")
        )

    def get_object(self) -> Registration:
        registration = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if registration is None:
            raise NotFound(_("No such registration."))
        return registration

    def _read(self, registration: Registration) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=registration.pk)).data)

    @extend_schema(
        summary=gettext_lazy("Record a delegate's arrival (the first time stays)"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). A second call answers "
            "first_time false with the first time and who recorded it; a cancelled registration is "
            "refused (HTTP 400, code registration_cancelled); another conference's is a 404."
        ),
        request=None,
        responses={200: CheckInResultSerializer, **ERRORS},
        examples=RESULT_EXAMPLES,
    )
    @action(detail=True, methods=["post"], url_path="check-in", url_name="check-in")
    def check_in(self, request, conference_slug=None, pk=None):
        result = registration_check_in(registration=self.get_object(), user=request.user)
        return Response(CheckInResultSerializer(result).data)

    @extend_schema(
        summary=gettext_lazy("Cancel a registration"),
        request=None,
        responses={200: RegistrationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, conference_slug=None, pk=None):
        return self._read(registration_cancel(registration=self.get_object()))
