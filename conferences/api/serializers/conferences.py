"""What the API shows of a conference (the list, the detail with its rooms) and what organizers write."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from conferences.api.serializers.organizations import OrganizationSummarySerializer
from conferences.models import Conference, ConferenceRole, Organization, Person, Room
from conferences.models.conference import CONFERENCE_LANGUAGES, validate_slug_not_reserved
from conferences.selectors.people import people_visible_to_organizer
from core.api_fields import DateTimeField, ModelSerializer, OptionalEmailField, PrimaryKeyRelatedField


class RoomSerializer(ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name", "capacity"]


class ConferenceListSerializer(ModelSerializer):
    host = OrganizationSummarySerializer(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:conference-detail", lookup_field="slug")

    class Meta:
        model = Conference
        fields = [
            "url",
            "slug",
            "title_vi",
            "title_en",
            "kind",
            "status",
            "starts_at",
            "ends_at",
            "venue_name",
            "host",
        ]


class ConferenceDetailSerializer(ConferenceListSerializer):
    rooms = RoomSerializer(many=True, read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    chair = serializers.StringRelatedField()

    class Meta(ConferenceListSerializer.Meta):
        fields = [
            *ConferenceListSerializer.Meta.fields,
            "short_title",
            "legal_basis",
            "description",
            "review_period_start",
            "review_period_end",
            "venue_address",
            "rsvp_deadline",
            "paper_deadline",
            "nomination_deadline",
            "capacity",
            "default_delegate_quota",
            "languages",
            "chair",
            "rooms",
            "published_at",
            "closed_at",
        ]


# What organizers write -------------------------------------------------------------------------------------


class ConferenceSettingsSerializer(ModelSerializer):
    """The fields of a conference its organizers set; the services check the rules between them."""

    host = PrimaryKeyRelatedField(queryset=Organization.objects.all())
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=CONFERENCE_LANGUAGES),
        min_length=1,
        max_length=len(CONFERENCE_LANGUAGES),
        required=False,
        help_text=_("The languages the conference offers: some of vi, en."),
    )
    slug = serializers.SlugField(
        max_length=100,
        required=False,
        validators=[validate_slug_not_reserved],
        help_text=_("The conference's address; made from the Vietnamese title when left out."),
    )

    class Meta:
        model = Conference
        fields = [
            "slug",
            "title_vi",
            "title_en",
            "short_title",
            "kind",
            "legal_basis",
            "description",
            "review_period_start",
            "review_period_end",
            "host",
            "starts_at",
            "ends_at",
            "venue_name",
            "venue_address",
            "rsvp_deadline",
            "paper_deadline",
            "nomination_deadline",
            "capacity",
            "default_delegate_quota",
            "languages",
        ]

    def validate_slug(self, value: str) -> str:
        taken = Conference.objects.filter(slug=value)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError(_("Another conference has this address."))
        return value


class ConferenceCreateSerializer(ConferenceSettingsSerializer):
    rooms = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=list,
        help_text=_("Room names, in the order the agenda lists them."),
    )

    class Meta(ConferenceSettingsSerializer.Meta):
        fields = [*ConferenceSettingsSerializer.Meta.fields, "rooms"]


class ConferenceUpdateSerializer(ConferenceSettingsSerializer):
    chair = PrimaryKeyRelatedField(
        queryset=Person.objects.none(),
        required=False,
        allow_null=True,
        help_text=_("A person the organizers may see (of the host agency or an invited one)."),
    )

    class Meta(ConferenceSettingsSerializer.Meta):
        fields = [*ConferenceSettingsSerializer.Meta.fields, "chair"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            self.fields["chair"].queryset = people_visible_to_organizer(conference=self.instance) | (
                Person.objects.filter(organization=self.instance.host_id)
            )


# The team --------------------------------------------------------------------------------------------------


class TeamMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The role's id: DELETE .../team/{id}/ withdraws it."))
    role = serializers.ChoiceField(choices=ConferenceRole.Role.choices)
    user = serializers.IntegerField(source="user_id")
    email = OptionalEmailField(source="user.email")
    name = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        return obj.user.get_full_name() or obj.user.get_username()


class TeamInvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=ConferenceRole.Role.choices)
    email = serializers.EmailField()
    full_name = serializers.CharField()
    expires_at = DateTimeField()


class TeamSerializer(serializers.Serializer):
    members = TeamMemberSerializer(many=True)
    invitations = TeamInvitationSerializer(many=True, help_text=_("Invitations to sign up not yet accepted."))


class TeamAddSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=ConferenceRole.Role.choices)
    full_name = serializers.CharField(
        max_length=200,
        required=False,
        default="",
        help_text=_("Used in the invitation when the person has no account yet."),
    )


class TeamAddResultSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[("granted", "granted"), ("invited", "invited")],
        help_text=_("granted: the account holds the role now; invited: an invitation to sign up was sent."),
    )
    member = TeamMemberSerializer(allow_null=True)
    invitation = TeamInvitationSerializer(allow_null=True)
