"""What the agenda API shows and takes: the published versions, and the editor's working items."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.reverse import reverse

from conferences.exports.agenda import change_text
from conferences.forms.agenda import MAX_SLOT_MINUTES
from conferences.models import AgendaItem, AgendaVersion, Organization, Paper, Person, Room
from conferences.selectors.agenda import agenda_organizations, agenda_papers, agenda_people
from core.api_fields import DateTimeField, IdField, ModelSerializer, PositionField, PrimaryKeyRelatedField

MAX_REORDER_IDS = 1000


# The published agenda --------------------------------------------------------------------------------


AgendaJsonSerializer = inline_serializer(
    "AgendaJson",
    {
        "conference": inline_serializer(
            "AgendaConference", {"slug": serializers.CharField(), "title": serializers.CharField()}
        ),
        "version": serializers.IntegerField(),
        "published_at": DateTimeField(),
        "items": serializers.ListField(child=serializers.DictField()),
    },
)


class AgendaVersionListSerializer(ModelSerializer):
    url = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField(
        help_text=gettext_lazy("How many changes from the version before.")
    )

    class Meta:
        model = AgendaVersion
        fields = ["number", "published_at", "changes", "url"]

    def get_url(self, version: AgendaVersion) -> str:
        return reverse(
            "api:agenda-version",
            kwargs={"conference_slug": self.context["conference"].slug, "number": version.number},
            request=self.context.get("request"),
        )

    def get_changes(self, version: AgendaVersion) -> int:
        return len(version.changelog)


class ChangeSerializer(serializers.Serializer):
    type = serializers.CharField()
    item = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField(help_text=gettext_lazy("The change in words, in the request's language."))
    before = serializers.DictField(required=False)
    after = serializers.DictField(required=False)


class AgendaVersionDetailSerializer(AgendaVersionListSerializer):
    changelog = serializers.SerializerMethodField()
    items = serializers.ListField(child=serializers.DictField(), read_only=True)

    class Meta(AgendaVersionListSerializer.Meta):
        fields = [*AgendaVersionListSerializer.Meta.fields, "changelog", "items"]

    @extend_schema_field(ChangeSerializer(many=True))
    def get_changelog(self, version: AgendaVersion) -> list[dict]:
        return [{**change, "text": change_text(change)} for change in version.changelog]


# The editor's working items -------------------------------------------------------------------------


class _RoomSerializer(ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name"]


class _OrganizationSerializer(ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "short_name"]


class _PersonSerializer(ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "full_name", "position"]


class _PaperSerializer(ModelSerializer):
    class Meta:
        model = Paper
        fields = ["id", "title", "status"]


class AgendaItemSerializer(ModelSerializer):
    """An item of the working agenda as the API returns it."""

    room = _RoomSerializer(read_only=True, allow_null=True)
    presenting_organization = _OrganizationSerializer(read_only=True, allow_null=True)
    chair = _PersonSerializer(read_only=True, allow_null=True)
    speakers = _PersonSerializer(many=True, read_only=True)
    paper = _PaperSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "room",
            "presenter_text",
            "presenting_organization",
            "chair",
            "speakers",
            "paper",
            "position",
            "updated_at",
        ]
        read_only_fields = fields


class AgendaItemInputSerializer(serializers.Serializer):
    """What a client writes: related rows by id, limited to this conference's rooms, people and papers."""

    starts_at = DateTimeField()
    ends_at = DateTimeField()
    kind = serializers.ChoiceField(choices=AgendaItem.Kind.choices, required=False)
    title = serializers.CharField(max_length=500)
    description = serializers.CharField(
        max_length=AgendaItem._meta.get_field("description").max_length, allow_blank=True, required=False
    )
    presenter_text = serializers.CharField(max_length=255, allow_blank=True, required=False)
    room = PrimaryKeyRelatedField(queryset=Room.objects.none(), allow_null=True, required=False)
    presenting_organization = PrimaryKeyRelatedField(
        queryset=Organization.objects.none(), allow_null=True, required=False
    )
    chair = PrimaryKeyRelatedField(queryset=Person.objects.none(), allow_null=True, required=False)
    speakers = PrimaryKeyRelatedField(
        queryset=Person.objects.none(), many=True, required=False, help_text=gettext_lazy("Person ids.")
    )
    paper = PrimaryKeyRelatedField(queryset=Paper.objects.none(), allow_null=True, required=False)
    position = PositionField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        conference = self.context.get("conference")
        if conference is None:  # Schema generation.
            return
        item = self.context.get("item")
        people = agenda_people(conference=conference, item=item)
        self.fields["room"].queryset = conference.rooms.all()
        self.fields["presenting_organization"].queryset = agenda_organizations(
            conference=conference, item=item
        )
        self.fields["chair"].queryset = people
        self.fields["speakers"].child_relation.queryset = people
        # Any paper of the conference is found: one not (or no longer) accepted gets its own message.
        self.fields["paper"].queryset = Paper.objects.filter(conference=conference)
        self._choosable_papers = agenda_papers(conference=conference, item=item)

    def validate_paper(self, paper: Paper | None) -> Paper | None:
        if paper is not None and not self._choosable_papers.filter(pk=paper.pk).exists():
            if paper.status != Paper.Status.ACCEPTED:
                raise serializers.ValidationError(_("Only an accepted paper can be put on the agenda."))
            raise serializers.ValidationError(_("This paper already has a slot on the agenda."))
        return paper


class _ConferenceRoomSerializer(serializers.Serializer):
    """Input with an optional room, found among the conference's rooms."""

    room = PrimaryKeyRelatedField(queryset=Room.objects.none(), allow_null=True, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "conference" in self.context:
            self.fields["room"].queryset = self.context["conference"].rooms.all()


class AgendaMoveSerializer(_ConferenceRoomSerializer):
    starts_at = DateTimeField(help_text=gettext_lazy("The new start; the item keeps its length."))
    room = PrimaryKeyRelatedField(
        queryset=Room.objects.none(),
        allow_null=True,
        required=False,
        help_text=gettext_lazy("A new room, or none to keep the current one."),
    )


class AgendaReorderSerializer(serializers.Serializer):
    item_ids = serializers.ListField(
        child=IdField(),
        allow_empty=False,
        max_length=MAX_REORDER_IDS,
    )

    def validate_item_ids(self, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError(_("An item appears twice in the new order."))
        return value


class AgendaFillSerializer(_ConferenceRoomSerializer):
    starts_at = DateTimeField(help_text=gettext_lazy("When the first paper's slot starts."))
    slot_minutes = serializers.IntegerField(min_value=1, max_value=MAX_SLOT_MINUTES, default=15)


AgendaCheckSerializer = inline_serializer(
    "AgendaCheck",
    {
        "ok": serializers.BooleanField(),
        "errors": serializers.ListField(child=serializers.DictField()),
        "warnings": serializers.ListField(child=serializers.DictField()),
    },
)
AgendaPublishResultSerializer = inline_serializer(
    "AgendaPublishResult",
    {
        "number": serializers.IntegerField(),
        "changelog": serializers.ListField(child=serializers.DictField()),
        "notices": serializers.IntegerField(help_text=gettext_lazy("Change notices written so far.")),
        "prepared": serializers.BooleanField(
            help_text=gettext_lazy(
                "Whether a worker has built the version's exports and written all its change notices "
                "(it starts when the version is saved; GET this endpoint to follow it)."
            )
        ),
    },
)
