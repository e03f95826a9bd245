"""Award categories, award decisions, awards and the ceremony over the API."""

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from conferences.models import Award, AwardCategory, AwardDecision, Organization, Person
from core.api_fields import (
    DateField,
    DateTimeField,
    IdField,
    ModelSerializer,
    PositionField,
    PrimaryKeyRelatedField,
)


class AwardCategorySerializer(ModelSerializer):
    class Meta:
        model = AwardCategory
        fields = [
            "id",
            "code",
            "name_vi",
            "name_en",
            "short_name",
            "issuer_title",
            "page_width_mm",
            "page_height_mm",
        ]


class PublicAwardSerializer(serializers.Serializer):
    """What anyone sees of an award: the recipient and the citation, as on the conference page."""

    id = serializers.IntegerField()
    recipient = serializers.CharField(source="recipient_name")
    citation = serializers.CharField()


class AwardSerializer(ModelSerializer):
    recipient = serializers.CharField(source="recipient_name", read_only=True)
    decision_number = serializers.CharField(source="decision.document.formatted", read_only=True)
    batch = serializers.IntegerField(source="batch.position", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Award
        fields = [
            "id",
            "decision",
            "decision_number",
            "category",
            "recipient_organization",
            "recipient_person",
            "recipient",
            "citation",
            "ceremony_order",
            "register_number",
            "batch",
        ]
        read_only_fields = fields


class AwardWriteSerializer(serializers.Serializer):
    decision = IdField(help_text=gettext_lazy("One of this conference's decisions."))
    category = PrimaryKeyRelatedField(queryset=AwardCategory.objects.all())
    recipient_organization = PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    recipient_person = PrimaryKeyRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    citation = serializers.CharField(max_length=2000)
    register_number = serializers.CharField(max_length=50, required=False, allow_blank=True)


class AwardDecisionSerializer(ModelSerializer):
    number = serializers.CharField(source="document.formatted", read_only=True)
    issuer = serializers.CharField(source="document.issuer.name", read_only=True)
    awards = AwardSerializer(many=True, read_only=True)

    class Meta:
        model = AwardDecision
        fields = [
            "id",
            "number",
            "issuer",
            "subject",
            "signed_on",
            "signing_authority",
            "signer_title",
            "signer_name",
            "awards",
        ]
        read_only_fields = ["id", "number", "issuer", "awards"]


class AwardDecisionWriteSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=500)
    signed_on = DateField()
    signing_authority = serializers.CharField(max_length=100, required=False, allow_blank=True)
    signer_title = serializers.CharField(max_length=100)
    signer_name = serializers.CharField(max_length=200)


class CeremonyBatchInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    presenter = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    award_ids = serializers.ListField(child=IdField(), max_length=500, default=list)


class CeremonyOrderInputSerializer(serializers.Serializer):
    batches = CeremonyBatchInputSerializer(many=True, max_length=200)
    agenda_item = IdField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The agenda item of kind awards; left out, the conference's first one."),
    )


class CeremonyBatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    title = serializers.CharField()
    presenter = serializers.CharField()
    agenda_item = serializers.IntegerField(source="agenda_item_id", allow_null=True)
    awards = PublicAwardSerializer(many=True, source="awards.all")


class CeremonySerializer(serializers.Serializer):
    step = serializers.IntegerField()
    current_batch = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("The position on stage.")
    )
    updated_at = DateTimeField(allow_null=True)
    batches = CeremonyBatchSerializer(many=True)


class CeremonyAdvanceSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=[1, -1], required=False)
    to = PositionField(min_value=1, required=False)

    def validate(self, attrs):
        if ("direction" in attrs) == ("to" in attrs):
            raise serializers.ValidationError(
                gettext_lazy("Give either a direction (1 or -1) or a position (to).")
            )
        return attrs


class StageStateSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    batch = serializers.DictField(allow_null=True)
