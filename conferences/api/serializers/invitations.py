"""Serializers of the invitations API: what organizers and invited agencies read and send."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from conferences.models import Conference, Invitation, Organization, Person, Registration
from conferences.selectors.people import people_visible_to_organizer
from conferences.services.rsvp import DelegateInput, rsvp_state, rsvp_submit
from core.api_fields import (
    DateField,
    DateTimeField,
    IdField,
    ModelSerializer,
    OptionalEmailField,
    PrimaryKeyRelatedField,
)

MAX_BULK_IDS = 1000
MAX_DELEGATES = 100


# What organizers read --------------------------------------------------------------------------------


class InvitedOrganizationSerializer(ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    contact_emails = serializers.ListField(child=serializers.EmailField(), read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "kind", "province", "contact_emails"]


class PersonBriefSerializer(ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "full_name", "position", "email", "phone"]


class DelegateSerializer(serializers.Serializer):
    """A delegate named by the agency, as the agency sees them."""

    full_name = serializers.CharField(source="display_name", read_only=True)
    email = OptionalEmailField(source="person.email", read_only=True)
    position = serializers.CharField(source="display_position", read_only=True)
    phone = serializers.CharField(source="display_phone", read_only=True)


class InvitationDelegateSerializer(DelegateSerializer):
    """A delegate as organizers see them: with the registration and the check-in."""

    registration = serializers.IntegerField(source="pk", read_only=True)
    checked_in_at = DateTimeField(read_only=True, allow_null=True)


class InvitationSerializer(ModelSerializer):
    """An invitation as its conference's organizers see it (rows of `invitation_list`)."""

    organization = InvitedOrganizationSerializer(read_only=True, allow_null=True)
    person = PersonBriefSerializer(read_only=True, allow_null=True)
    invitee_name = serializers.CharField(read_only=True)
    document_number = serializers.SerializerMethodField()
    issued_on = serializers.SerializerMethodField()
    paper_presenter = PersonBriefSerializer(read_only=True, allow_null=True)
    delegates = InvitationDelegateSerializer(source="active_registrations", many=True, read_only=True)
    letter_url = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "status",
            "organization",
            "person",
            "invitee_name",
            "addressee",
            "delegate_quota",
            "paper_requested",
            "paper_topic",
            "note",
            "document_number",
            "issued_on",
            "send_count",
            "sent_at",
            "responded_at",
            "paper_presenter",
            "delegates",
            "letter_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_document_number(self, invitation: Invitation) -> str | None:
        return invitation.document.formatted if invitation.document_id else None

    @extend_schema_field(DateField(allow_null=True))
    def get_issued_on(self, invitation: Invitation):
        return invitation.document.issued_on if invitation.document_id else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_letter_url(self, invitation: Invitation) -> str:
        url = reverse(
            "api:invitation-letter",
            kwargs={"conference_slug": self.context["conference_slug"], "pk": invitation.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class InvitationSentSerializer(InvitationSerializer):
    """An invitation just sent: numbered and counted, its letter being prepared by a worker."""

    letter_pending = serializers.SerializerMethodField(
        help_text=_(
            "True while the letter of this send is being prepared; its e-mails then appear in the "
            "outbox (a worker renders the letter after the request)."
        )
    )

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "letter_pending"]
        read_only_fields = fields

    def get_letter_pending(self, invitation: Invitation) -> bool:
        from conferences.selectors.notices import invitation_letter_pending

        return invitation_letter_pending(invitation=invitation)


InvitationCountsSerializer = inline_serializer(
    "InvitationCounts",
    {
        "by_status": inline_serializer(
            "InvitationCountsByStatus",
            {status: serializers.IntegerField() for status in Invitation.Status.values},
        ),
        "no_answer": serializers.IntegerField(help_text=_("Sent and not answered.")),
        "groups": inline_serializer(
            "InvitationCountsGroup",
            {
                "kind": serializers.ChoiceField(choices=Organization.Kind.choices),
                "province": serializers.CharField(allow_null=True, help_text=_("The province's name.")),
                "total": serializers.IntegerField(),
                "accepted": serializers.IntegerField(),
                "declined": serializers.IntegerField(),
                "no_answer": serializers.IntegerField(),
            },
            many=True,
        ),
    },
)


def invitation_counts_data(counts: dict) -> dict:
    """Name the selector's groups as the API does: kind and province, not ORM paths."""
    groups = [
        {
            "kind": group["organization__kind"],
            "province": group["organization__province__name"],
            **{key: group[key] for key in ("total", "accepted", "declined", "no_answer")},
        }
        for group in counts["groups"]
    ]
    return {"by_status": counts["by_status"], "no_answer": counts["no_answer"], "groups": groups}


class RegistrationSerializer(ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    full_name = serializers.CharField(
        source="display_name", read_only=True, help_text=_("As the agency named the delegate.")
    )
    position = serializers.CharField(source="display_position", read_only=True)
    phone = serializers.CharField(source="display_phone", read_only=True)
    organization = InvitedOrganizationSerializer(read_only=True, allow_null=True)
    invitation = PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "person",
            "full_name",
            "position",
            "phone",
            "organization",
            "invitation",
            "role",
            "status",
            "checked_in_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# What organizers send --------------------------------------------------------------------------------


class InvitationTermsSerializer(serializers.Serializer):
    """What the letter asks of the invitee, shared by create, bulk create and update."""

    delegate_quota = serializers.IntegerField(
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("Delegates the agency may name; the conference's default when left out."),
    )
    paper_requested = serializers.BooleanField(default=False)
    paper_topic = serializers.CharField(max_length=400, required=False, allow_blank=True, default="")
    note = serializers.CharField(
        max_length=Invitation._meta.get_field("note").max_length, required=False, allow_blank=True, default=""
    )


class InvitationLetterFieldsSerializer(InvitationTermsSerializer):
    """The terms and how the letter names the invitee: one invitation's fields."""

    addressee = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


@extend_schema_field(OpenApiTypes.INT)
class InvitablePersonField(PrimaryKeyRelatedField):
    """A person the organizers of the conference in the context may see.

    Any other id gets the same answer as an id that does not exist, so the
    person table cannot be read by trying ids.
    """

    def get_queryset(self):
        return people_visible_to_organizer(conference=self.context["conference"])


class InvitationCreateSerializer(InvitationLetterFieldsSerializer):
    """Whom to invite; the rules on whom (not the host, not twice) are the service's."""

    organization = PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, default=None
    )
    person = InvitablePersonField(required=False, allow_null=True, default=None)


class InvitationUpdateSerializer(InvitationLetterFieldsSerializer):
    """A draft's letter fields; only the fields sent are changed (PATCH)."""


class InvitationBulkCreateSerializer(InvitationTermsSerializer):
    organizations = serializers.ListField(
        child=IdField(),
        required=False,
        allow_empty=False,
        max_length=MAX_BULK_IDS,
        help_text=_("Ids of the organizations to invite."),
    )
    organization_kind = serializers.ChoiceField(
        choices=Organization.Kind.choices,
        required=False,
        help_text=_("Invite every organization of this kind instead of a list."),
    )

    def validate_organizations(self, ids: list[int]) -> list[Organization]:
        ids = list(dict.fromkeys(ids))
        found = Organization.objects.in_bulk(ids)
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(
                _("No organization with id %(ids)s.") % {"ids": ", ".join(missing)}
            )
        return [found[pk] for pk in ids]

    def validate(self, attrs: dict) -> dict:
        if ("organizations" in attrs) == ("organization_kind" in attrs):
            raise serializers.ValidationError(
                {"organizations": _("Give either a list of organizations or an organization kind.")}
            )
        return attrs


InvitationBulkCreateResultSerializer = inline_serializer(
    "InvitationBulkCreateResult",
    {
        "created": serializers.IntegerField(),
        "skipped": serializers.ListField(
            child=serializers.CharField(), help_text=_("Organizations invited already.")
        ),
    },
)


class InvitationIdsSerializer(serializers.Serializer):
    ids = serializers.ListField(child=IdField(), allow_empty=False, max_length=MAX_BULK_IDS)


class InvitationSendSerializer(serializers.Serializer):
    hold = serializers.BooleanField(
        default=False,
        help_text=_("Keep the e-mail in the outbox for approval instead of sending it now."),
    )


class InvitationRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


QueuedResultSerializer = inline_serializer(
    "QueuedResult",
    {
        "queued": serializers.IntegerField(),
        # The job whose progress /api/v1/jobs/{id}/ shows; null when nothing was queued.
        "job": serializers.IntegerField(allow_null=True, required=False),
    },
)


# The agency's answer -----------------------------------------------------------------------------------


class DelegateInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    position = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class RsvpAnswerSerializer(serializers.Serializer):
    """Accept with the named delegates (they replace earlier ones), or decline."""

    accept = serializers.BooleanField()
    delegates = DelegateInputSerializer(many=True, required=False, max_length=MAX_DELEGATES)
    presenter_email = serializers.EmailField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=_("Which delegate presents the requested paper."),
    )

    def delegate_inputs(self) -> list[DelegateInput]:
        return [DelegateInput(**delegate) for delegate in self.validated_data.get("delegates", [])]

    def submit(self, *, invitation: Invitation, actor=None) -> Invitation:
        """Validate the request's answer and record it through rsvp_submit, the one way to answer."""
        self.is_valid(raise_exception=True)
        return rsvp_submit(
            invitation=invitation,
            accept=self.validated_data["accept"],
            delegates=self.delegate_inputs(),
            presenter_email=self.validated_data.get("presenter_email") or "",
            actor=actor,
        )


class RsvpConferenceSerializer(ModelSerializer):
    host = serializers.CharField(source="host.name", read_only=True)

    class Meta:
        model = Conference
        fields = [
            "title_vi",
            "title_en",
            "host",
            "starts_at",
            "ends_at",
            "venue_name",
            "venue_address",
            "rsvp_deadline",
        ]
        read_only_fields = fields


class RsvpInvitationSerializer(ModelSerializer):
    """The invitation as the invited agency sees it through its link.

    The context carries the current delegates (`invitation_delegates`).
    """

    conference = RsvpConferenceSerializer(read_only=True)
    invitee_name = serializers.CharField(read_only=True)
    document_number = serializers.SerializerMethodField()
    delegates = serializers.SerializerMethodField()
    presenter_email = serializers.SerializerMethodField()
    can_answer = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "conference",
            "invitee_name",
            "addressee",
            "document_number",
            "status",
            "delegate_quota",
            "paper_requested",
            "paper_topic",
            "note",
            "responded_at",
            "delegates",
            "presenter_email",
            "can_answer",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_document_number(self, invitation: Invitation) -> str | None:
        return invitation.document.formatted if invitation.document_id else None

    @extend_schema_field(DelegateSerializer(many=True))
    def get_delegates(self, invitation: Invitation) -> list[dict]:
        return DelegateSerializer(self.context["delegates"], many=True).data

    @extend_schema_field(OptionalEmailField())
    def get_presenter_email(self, invitation: Invitation) -> str | None:
        presenter = next(
            (r.person for r in self.context["delegates"] if r.person_id == invitation.paper_presenter_id),
            None,
        )
        return (presenter.email if presenter else "") or None

    @extend_schema_field(serializers.BooleanField(help_text=_("Whether the answer can still be changed.")))
    def get_can_answer(self, invitation: Invitation) -> bool:
        return rsvp_state(invitation=invitation).open
