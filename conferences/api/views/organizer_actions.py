"""What the organizer pages do that the other API views did not: the proceedings' foreword, closing the
revision round now, reviewer conflicts, and resending or revoking an invitation to the team.

Each is the page's service called the same way; the conference's organizers only (404 for a
conference the user cannot see, 403 for one they see but do not organize).
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api.permissions import OrganizedConferenceMixin
from conferences.api.serializers.conferences import TeamInvitationSerializer
from conferences.api.serializers.workspace import (
    ForewordSerializer,
    ReviewerConflictSerializer,
    ReviewerConflictWriteSerializer,
    RevisionRoundClosedSerializer,
)
from conferences.api.views.agenda_items import CONFERENCE_SLUG
from conferences.models import ConferenceRole, Organization, ReviewerInvitation
from conferences.services.paper_decisions import revision_round_close
from conferences.services.proceedings import conference_foreword_update
from conferences.services.reviewers import (
    reviewer_conflict_add,
    reviewer_conflict_remove,
    reviewer_invitation_resend,
    reviewer_invitation_revoke,
)
from core.api import ERRORS

ORGANIZERS = gettext_lazy("Permissions: the conference's organizers (or a superuser).")


class ProceedingsForewordView(OrganizedConferenceMixin, APIView):
    organizer_message = gettext_lazy("Only the organizers of this conference can build its proceedings.")

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("Read the proceedings' foreword"),
        description=ORGANIZERS,
        responses={200: ForewordSerializer, **ERRORS},
    )
    def get(self, request, conference_slug: str):
        return Response({"foreword": self.conference.proceedings_foreword})

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("Replace the proceedings' foreword (the next build prints it)"),
        description=ORGANIZERS,
        request=ForewordSerializer,
        responses={200: ForewordSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "A foreword", value={"foreword": "Kỷ yếu tập hợp các tham luận ..."}, request_only=True
            )
        ],
    )
    def put(self, request, conference_slug: str):
        serializer = ForewordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conference = conference_foreword_update(
            conference=self.conference, foreword=serializer.validated_data["foreword"]
        )
        return Response({"foreword": conference.proceedings_foreword})


class RevisionRoundCloseView(OrganizedConferenceMixin, APIView):
    organizer_message = gettext_lazy("Only the organizers of this conference can manage its papers.")

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("Close the revision round now: lock the final versions, accept the papers"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). Papers asked for revisions are "
            "locked and accepted; authors can no longer edit. Closing twice locks nothing more."
        ),
        request=None,
        responses={200: RevisionRoundClosedSerializer, **ERRORS},
    )
    def post(self, request, conference_slug: str):
        locked = revision_round_close(conference=self.conference, user=request.user)
        return Response({"locked": locked})


class _ReviewerMixin(OrganizedConferenceMixin):
    organizer_message = gettext_lazy("Only the organizers of this conference can manage its review.")

    def reviewer(self, user_id: int):
        reviewer = (
            get_user_model()
            .objects.filter(
                pk=user_id,
                conference_roles__conference=self.conference,
                conference_roles__role=ConferenceRole.Role.REVIEWER,
            )
            .first()
        )
        if reviewer is None:
            raise NotFound(_("No such reviewer."))
        return reviewer


class ReviewerConflictListView(_ReviewerMixin, APIView):
    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("Declare that a reviewer must not review an agency's papers"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). The reviewer's open assignments "
            "to that agency's papers are dropped; submitted reviews stay. Declaring it again changes "
            "only the reason."
        ),
        request=ReviewerConflictWriteSerializer,
        responses={201: ReviewerConflictSerializer, **ERRORS},
    )
    def post(self, request, conference_slug: str, user_id: int):
        serializer = ReviewerConflictWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conflict, dropped = reviewer_conflict_add(
            conference=self.conference, reviewer=self.reviewer(user_id), **serializer.validated_data
        )
        conflict.dropped = dropped
        return Response(ReviewerConflictSerializer(conflict).data, status=status.HTTP_201_CREATED)


class ReviewerConflictDetailView(_ReviewerMixin, APIView):
    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("Withdraw a reviewer's conflict with an agency"),
        description=ORGANIZERS,
        responses={204: None, **ERRORS},
    )
    def delete(self, request, conference_slug: str, user_id: int, organization_id: int):
        organization = Organization.objects.filter(pk=organization_id).first()
        if organization is None:
            raise NotFound(_("No such conflict."))
        reviewer_conflict_remove(
            conference=self.conference, reviewer=self.reviewer(user_id), organization=organization
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamInvitationActionView(OrganizedConferenceMixin, APIView):
    organizer_message = gettext_lazy("Only the organizers of this conference can manage its team.")

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy(
            "Send an open invitation to the team (organizer or reviewer) again, or revoke it"
        ),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). resend/ e-mails a new link (the "
            "old one stops working); revoke/ cancels it. An accepted or revoked invitation is refused "
            "(HTTP 400)."
        ),
        request=None,
        responses={200: TeamInvitationSerializer, **ERRORS},
    )
    def post(self, request, conference_slug: str, pk: int, action: str):
        invitation = ReviewerInvitation.objects.filter(conference=self.conference, pk=pk).first()
        if invitation is None:
            raise NotFound(_("No such invitation."))
        if action == "revoke":
            invitation = reviewer_invitation_revoke(invitation=invitation)
        else:
            invitation = reviewer_invitation_resend(invitation=invitation)
        return Response(TeamInvitationSerializer(invitation).data)
