"""A conference's rooms, its people and its audit log, for its organizers.

The same rules as the settings page (conferences.services.conferences' room functions) and the same
people an organizer may see when inviting by name (conferences.selectors.people). A conference the
user cannot see is a 404; one they see but do not organize, a 403.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api.permissions import OrganizedConferenceMixin
from conferences.api.serializers.workspace import (
    AuditEntrySerializer,
    AuditFilterSerializer,
    PeopleFilterSerializer,
    PersonListSerializer,
    RoomDetailSerializer,
    RoomOrderSerializer,
    RoomWriteSerializer,
)
from conferences.api.views.agenda_items import CONFERENCE_SLUG
from conferences.models import AuditEntry, Person, Room
from conferences.selectors.audit import audit_log
from conferences.selectors.people import people_search
from conferences.services.conferences import room_add, room_remove, room_update, rooms_reorder
from core.api import ERRORS

ORGANIZERS = gettext_lazy("Permissions: the conference's organizers (or a superuser).")


# Rooms --------------------------------------------------------------------------------------------------


class _RoomsMixin(OrganizedConferenceMixin):
    organizer_message = gettext_lazy("Only the organizers of this conference can change it.")

    def rooms(self):
        return Room.objects.filter(conference=self.conference).order_by("position", "name", "pk")

    def room(self, pk: int) -> Room:
        room = self.rooms().filter(pk=pk).first()
        if room is None:
            raise NotFound(_("No such room."))
        return room


class RoomListView(_RoomsMixin, APIView):
    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("List the conference's rooms in their order"),
        description=ORGANIZERS,
        responses={200: RoomDetailSerializer(many=True), **ERRORS},
    )
    def get(self, request, conference_slug: str):
        return Response(RoomDetailSerializer(self.rooms(), many=True).data)

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("Add a room at the end of the list"),
        description=ORGANIZERS,
        request=RoomWriteSerializer,
        responses={201: RoomDetailSerializer, **ERRORS},
        examples=[OpenApiExample("A room", value={"name": "Phòng 201", "capacity": 80}, request_only=True)],
    )
    def post(self, request, conference_slug: str):
        serializer = RoomWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        room = room_add(conference=self.conference, actor=request.user, **serializer.validated_data)
        return Response(RoomDetailSerializer(room).data, status=status.HTTP_201_CREATED)


class RoomDetailView(_RoomsMixin, APIView):
    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("Rename a room or change its capacity"),
        description=gettext_lazy(
            "Permissions: the conference's organizers (or a superuser). Agenda items keep their room. "
            "A capacity left out is cleared, as on the settings page."
        ),
        request=RoomWriteSerializer,
        responses={200: RoomDetailSerializer, **ERRORS},
    )
    def patch(self, request, conference_slug: str, pk: int):
        room = self.room(pk)
        serializer = RoomWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        room = room_update(
            room=room, actor=request.user, name=data.get("name", room.name), capacity=data.get("capacity")
        )
        return Response(RoomDetailSerializer(room).data)

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("Remove a room no agenda item uses"),
        description=ORGANIZERS,
        responses={204: None, **ERRORS},
    )
    def delete(self, request, conference_slug: str, pk: int):
        room_remove(room=self.room(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoomReorderView(_RoomsMixin, APIView):
    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("Put the rooms in a new order"),
        description=ORGANIZERS,
        request=RoomOrderSerializer,
        responses={200: RoomDetailSerializer(many=True), **ERRORS},
    )
    def post(self, request, conference_slug: str):
        serializer = RoomOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rooms = rooms_reorder(
            conference=self.conference, room_ids=serializer.validated_data["rooms"], actor=request.user
        )
        return Response(RoomDetailSerializer(rooms, many=True).data)


# People -------------------------------------------------------------------------------------------------


@extend_schema(
    parameters=[CONFERENCE_SLUG, PeopleFilterSerializer],
    summary=gettext_lazy("List the people of the conference's world"),
    description=gettext_lazy(
        "Permissions: the conference's organizers (or a superuser). The people of the agencies it invited "
        "and of its host, and everyone taking part: delegates, people invited by name, chairs, speakers, "
        "authors, award recipients. The same people the organizers may invite by name."
    ),
    responses={200: PersonListSerializer(many=True), **ERRORS},
)
class PeopleListView(OrganizedConferenceMixin, generics.ListAPIView):
    serializer_class = PersonListSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Person.objects.none()
        filters = PeopleFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return people_search(
            conference=self.conference,
            query=data.get("q", ""),
            organization_id=data.get("organization"),
            ordering=data.get("ordering", ""),
        )


# The audit log ------------------------------------------------------------------------------------------


@extend_schema(
    parameters=[CONFERENCE_SLUG, AuditFilterSerializer],
    summary=gettext_lazy("Read the conference's audit log, newest first"),
    description=gettext_lazy(
        "Permissions: the conference's organizers (or a superuser). Who did what to which record: "
        "invitations sent and answered on an agency's behalf, papers decided, certificates, rooms, the "
        "team... `q` matches the actor's name, username or e-mail, accents ignored."
    ),
    responses={200: AuditEntrySerializer(many=True), **ERRORS},
)
class AuditLogView(OrganizedConferenceMixin, generics.ListAPIView):
    serializer_class = AuditEntrySerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AuditEntry.objects.none()
        filters = AuditFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return audit_log(
            conference=self.conference,
            action=data.get("action", ""),
            actor_id=data.get("actor"),
            since=data.get("since"),
            until=data.get("until"),
            query=data.get("q", ""),
        )
