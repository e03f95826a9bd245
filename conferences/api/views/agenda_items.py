"""The organizers' agenda API: edit the working items, check them, publish a version.

/conferences/{slug}/agenda/items/ and its actions, /agenda/check/ and
/agenda/publish/. The conference is looked up among those the user may see
(404 otherwise), then the user must organize it (403 otherwise). Reads come
from the selectors, writes go through conferences.services.agenda and
agenda_publishing; their ValidationError and ApplicationError become HTTP 400
with {"message", "code", "errors"} in the exception handler.

The item list is not paginated: an agenda is read and edited as a whole (a few
hundred rows at most), in six queries whatever its size.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api.filters import SEARCH_PARAMETER, search_words
from conferences.api.permissions import OrganizedConferenceMixin
from conferences.api.serializers.agenda import (
    AgendaCheckSerializer,
    AgendaFillSerializer,
    AgendaItemInputSerializer,
    AgendaItemSerializer,
    AgendaMoveSerializer,
    AgendaPublishResultSerializer,
    AgendaReorderSerializer,
)
from conferences.models import AgendaItem
from conferences.selectors.agenda import agenda_item_list
from conferences.selectors.agenda_versions import agenda_current_version
from conferences.selectors.notices import agenda_notice_count
from conferences.services.agenda import (
    agenda_fill_from_papers,
    agenda_item_create,
    agenda_item_delete,
    agenda_item_duplicate,
    agenda_item_move,
    agenda_item_update,
    agenda_items_reorder,
)
from conferences.services.agenda_publishing import agenda_check, agenda_publish
from core.api import ERRORS
from core.text import matches_words

CONFERENCE_SLUG = OpenApiParameter(
    "conference_slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=gettext_lazy("The conference's slug."),
)


class AgendaOrganizerMixin(OrganizedConferenceMixin):
    organizer_message = gettext_lazy("Only the organizers of this conference can edit its agenda.")

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["conference"] = self.conference
        return context


@extend_schema(parameters=[CONFERENCE_SLUG])
@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List the working agenda's items in time order"),
        parameters=[SEARCH_PARAMETER],
        responses={200: AgendaItemSerializer(many=True), **ERRORS},
    ),
    create=extend_schema(
        summary=gettext_lazy("Add an item"),
        request=AgendaItemInputSerializer,
        responses={201: AgendaItemSerializer, **ERRORS},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Read an item"), responses={200: AgendaItemSerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Change an item (nobody is notified until the next version is published)"),
        request=AgendaItemInputSerializer,
        responses={200: AgendaItemSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary=gettext_lazy("Delete an item"), responses={204: None, **ERRORS}),
)
class AgendaItemViewSet(
    AgendaOrganizerMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The working agenda of one conference, for its organizers."""

    serializer_class = AgendaItemSerializer
    pagination_class = None
    filter_backends: list = []
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AgendaItem.objects.none()
        return agenda_item_list(conference=self.conference)

    def list(self, request, *args, **kwargs):
        query = search_words(request)
        items = [
            item
            for item in self.get_queryset()
            if matches_words(
                query,
                item.title,
                item.chair.full_name if item.chair else "",
                *(speaker.full_name for speaker in item.speakers.all()),
            )
        ]
        return Response(self.get_serializer(items, many=True).data)

    def _input(self, serializer_class, *, partial: bool = False, item: AgendaItem | None = None) -> dict:
        context = {**self.get_serializer_context(), "item": item}
        serializer = serializer_class(data=self.request.data, partial=partial, context=context)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _item_response(self, item: AgendaItem, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=item.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    def _list_response(self, status_code: int = status.HTTP_200_OK, ids=None) -> Response:
        queryset = self.get_queryset()
        if ids is not None:
            queryset = queryset.filter(pk__in=ids)
        return Response(self.get_serializer(queryset, many=True).data, status=status_code)

    def create(self, request, *args, **kwargs):
        data = self._input(AgendaItemInputSerializer)
        item = agenda_item_create(conference=self.conference, **data)
        return self._item_response(item, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        data = self._input(AgendaItemInputSerializer, partial=True, item=item)
        speakers = data.pop("speakers", None)
        item = agenda_item_update(item=item, speakers=speakers, **data)
        return self._item_response(item)

    def destroy(self, request, *args, **kwargs):
        agenda_item_delete(item=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary=gettext_lazy("Copy an item right after itself (without its paper)"),
        request=None,
        responses={201: AgendaItemSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request, *args, **kwargs):
        copy = agenda_item_duplicate(item=self.get_object())
        return self._item_response(copy, status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("Move an item to a new start, keeping its length"),
        request=AgendaMoveSerializer,
        responses={200: AgendaItemSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, *args, **kwargs):
        item = self.get_object()
        data = self._input(AgendaMoveSerializer)
        item = agenda_item_move(item=item, starts_at=data["starts_at"], room=data.get("room"))
        return self._item_response(item)

    @extend_schema(
        summary=gettext_lazy("Set the display order of items (those that start at the same time)"),
        request=AgendaReorderSerializer,
        responses={200: AgendaItemSerializer(many=True), **ERRORS},
    )
    @action(detail=False, methods=["post"])
    def reorder(self, request, *args, **kwargs):
        data = self._input(AgendaReorderSerializer)
        agenda_items_reorder(conference=self.conference, item_ids=data["item_ids"])
        return self._list_response()

    @extend_schema(
        summary=gettext_lazy("Add one slot per accepted paper not yet on the agenda"),
        request=AgendaFillSerializer,
        responses={201: AgendaItemSerializer(many=True), **ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="fill-from-papers")
    def fill_from_papers(self, request, *args, **kwargs):
        data = self._input(AgendaFillSerializer)
        created = agenda_fill_from_papers(
            conference=self.conference,
            starts_at=data["starts_at"],
            slot_minutes=data["slot_minutes"],
            room=data.get("room"),
        )
        return self._list_response(status.HTTP_201_CREATED, ids=[item.pk for item in created])


class AgendaCheckView(AgendaOrganizerMixin, APIView):
    @extend_schema(
        summary=gettext_lazy("Check the working agenda: errors block publishing, warnings do not"),
        parameters=[CONFERENCE_SLUG],
        responses={200: AgendaCheckSerializer, **ERRORS},
    )
    def get(self, request, conference_slug: str):
        check = agenda_check(conference=self.conference)
        return Response({"ok": check.ok, "errors": check.errors, "warnings": check.warnings})


class AgendaPublishView(AgendaOrganizerMixin, APIView):
    @extend_schema(
        summary=gettext_lazy("How the latest publishing stands: its changes and the notices written so far"),
        parameters=[CONFERENCE_SLUG],
        responses={200: AgendaPublishResultSerializer, **ERRORS},
    )
    def get(self, request, conference_slug: str):
        version = agenda_current_version(self.conference, with_items=False)
        if version is None:
            raise NotFound(_("The agenda has not been published yet."))
        return Response(self._result(version))

    @extend_schema(
        summary=gettext_lazy(
            "Publish the working agenda as the next version and notify the people concerned"
        ),
        description=gettext_lazy(
            "The version is saved at once; its exports and change notices are made by a worker "
            "afterwards (`prepared` turns true when they are done)."
        ),
        parameters=[CONFERENCE_SLUG],
        request=None,
        responses={201: AgendaPublishResultSerializer, **ERRORS},
    )
    def post(self, request, conference_slug: str):
        version = agenda_publish(conference=self.conference, actor=request.user)
        version.refresh_from_db(fields=["prepared_at"])
        return Response(self._result(version), status=status.HTTP_201_CREATED)

    @staticmethod
    def _result(version) -> dict:
        return {
            "number": version.number,
            "changelog": version.changelog,
            "notices": agenda_notice_count(version=version),
            "prepared": version.prepared_at is not None,
        }
