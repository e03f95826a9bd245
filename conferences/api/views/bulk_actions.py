"""Bulk actions of the organizer pages over the API: revoke or reissue many certificates, check in many
delegates. The selection is read as the pages read it and handed to the same selectors and services."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api.permissions import OrganizedConferenceMixin
from conferences.api.serializers.bulk import (
    BulkCheckInResultSerializer,
    CertificateBulkResultSerializer,
    CertificateBulkSerializer,
    RegistrationBulkCheckInSerializer,
)
from conferences.api.views.awards import SLUG
from conferences.forms.certificates import REISSUE
from conferences.selectors.certificate_lists import certificate_list
from conferences.selectors.delegates import delegate_roster, delegates_not_checked_in
from conferences.services.certificate_generation import certificates_reissue_many, certificates_revoke_many
from conferences.services.check_in import registrations_check_in_many
from core.api import ERRORS

MANAGE_INVITATIONS = gettext_lazy("Only the organizers of this conference can manage its invitations.")


class CertificateBulkView(OrganizedConferenceMixin, APIView):
    organizer_message = gettext_lazy("Only the organizers of this conference can manage its certificates.")

    @extend_schema(
        summary=gettext_lazy("Revoke, or revoke and reissue, many certificates at once"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). The certificates by ids, or with "
            "all_matching every one the filters (kind, state, q) show; of those only the valid ones are "
            "taken, so repeating the call changes nothing twice. One reason for all; a reason refused "
            "revokes none. reissue answers the job rendering the replacements."
        ),
        parameters=[SLUG],
        request=CertificateBulkSerializer,
        responses={200: CertificateBulkResultSerializer, **ERRORS},
    )
    def post(self, request, conference_slug: str):
        serializer = CertificateBulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["all_matching"]:
            chosen = certificate_list(
                conference=self.conference,
                kind=data.get("kind", ""),
                state=data.get("state", ""),
                q=data.get("q", ""),
                revoked=False,
            )
        else:
            chosen = certificate_list(conference=self.conference, revoked=False).filter(pk__in=data["ids"])
        certificates = list(chosen.select_related("conference", "award"))
        job = None
        if data["action"] == REISSUE:
            job = certificates_reissue_many(
                conference=self.conference,
                certificates=certificates,
                reason=data["reason"],
                user=request.user,
            )
            count = job.total if job else 0
        else:
            count = certificates_revoke_many(
                certificates=certificates, reason=data["reason"], user=request.user
            )
        result = {"action": data["action"], "count": count, "job": job}
        return Response(CertificateBulkResultSerializer(result).data)


class RegistrationBulkCheckInView(OrganizedConferenceMixin, APIView):
    organizer_message = MANAGE_INVITATIONS

    @extend_schema(
        operation_id="conferences_registrations_check_in_many",
        summary=gettext_lazy("Check in many delegates at once"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). The confirmed delegates by "
            "registration ids, or with all_matching every one the delegate list's filters (kind, province, "
            "checked_in, q) show who has not arrived yet. Each goes through the reception desk's check-in: "
            "a first arrival stays, a cancelled registration is skipped, so repeating the call is harmless."
        ),
        parameters=[SLUG],
        request=RegistrationBulkCheckInSerializer,
        responses={200: BulkCheckInResultSerializer, **ERRORS},
    )
    def post(self, request, conference_slug: str):
        serializer = RegistrationBulkCheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["all_matching"]:
            chosen = delegates_not_checked_in(
                conference=self.conference, filters=serializer.selector_filters()
            )
        else:
            chosen = delegate_roster(conference=self.conference).filter(
                pk__in=serializer.validated_data["ids"]
            )
        registrations = list(chosen)
        arrived = registrations_check_in_many(registrations=registrations, user=request.user)
        return Response(
            BulkCheckInResultSerializer({"chosen": len(registrations), "checked_in": arrived}).data
        )
