"""The door for desk apps: check in by typed code or scanned link, and the live counts (organizers)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api.permissions import OrganizedConferenceMixin
from conferences.api.serializers.check_in import (
    CheckInCountsSerializer,
    CheckInInputSerializer,
    CheckInResultSerializer,
)
from conferences.api.views.agenda_items import CONFERENCE_SLUG
from conferences.selectors.check_in import check_in_counts
from conferences.services.check_in import registration_check_in_at_door
from core.api import ERRORS

CHECK_IN_ORGANIZERS = gettext_lazy("Only the organizers of this conference can check delegates in.")

RESULT_EXAMPLES = [
    OpenApiExample(
        "Checked in now",
        value={
            "registration": 41,
            "name": "Nguyễn Thị Minh Khai",
            "organization": "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
            "ticket_code": "K7P-Q4XM",
            "first_time": True,
            "checked_in_at": "2021-04-09T07:42:10+07:00",
            "checked_in_by": "Trần Văn Bình",
            "message": "Nguyễn Thị Minh Khai checked in at 07:42.",
        },
        response_only=True,
    ),
    OpenApiExample(
        "Already checked in",
        value={
            "registration": 41,
            "name": "Nguyễn Thị Minh Khai",
            "organization": "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
            "ticket_code": "K7P-Q4XM",
            "first_time": False,
            "checked_in_at": "2021-04-09T07:42:10+07:00",
            "checked_in_by": "Trần Văn Bình",
            "message": "Nguyễn Thị Minh Khai was already checked in at 07:42 by Trần Văn Bình.",
        },
        response_only=True,
    ),
]


class CheckInView(OrganizedConferenceMixin, APIView):
    organizer_message = CHECK_IN_ORGANIZERS

    @extend_schema(
        summary=gettext_lazy("Check in a delegate by ticket code or scanned link"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). The arrival is recorded once: "
            "a second scan answers first_time false with the first time and who recorded it. Refused "
            "with HTTP 400 and code: empty, too_long, malformed, typo (the check character "
            "does not match), unknown_code, unknown_link, other_conference, registration_cancelled."
        ),
        parameters=[CONFERENCE_SLUG],
        request=CheckInInputSerializer,
        responses={200: CheckInResultSerializer, **ERRORS},
        examples=[
            OpenApiExample("A typed code", value={"code": "k7p q4xm"}, request_only=True),
            OpenApiExample(
                "A scanned QR code",
                value={"code": "https://hoinghi.example.gov.vn/dai-bieu/41.Jm3…/"},
                request_only=True,
            ),
            *RESULT_EXAMPLES,
        ],
    )
    def post(self, request, conference_slug: str):
        serializer = CheckInInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = registration_check_in_at_door(
            conference=self.conference, text=serializer.validated_data["code"], user=request.user
        )
        return Response(CheckInResultSerializer(result).data)


class CheckInCountsView(OrganizedConferenceMixin, APIView):
    organizer_message = CHECK_IN_ORGANIZERS

    @extend_schema(
        summary=gettext_lazy("Arrivals so far: in total, by agency kind and by province"),
        description=gettext_lazy("Permissions: the conference's organizers (or a superuser)."),
        parameters=[CONFERENCE_SLUG],
        responses={200: CheckInCountsSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Counts",
                value={
                    "expected": 120,
                    "checked_in": 87,
                    "by_kind": [
                        {"kind": "department", "label": "Department", "expected": 70, "checked_in": 52}
                    ],
                    "by_province": [
                        {"code": "22", "name": "Quảng Ninh", "expected": 3, "checked_in": 2},
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, conference_slug: str):
        return Response(CheckInCountsSerializer(check_in_counts(conference=self.conference)).data)
