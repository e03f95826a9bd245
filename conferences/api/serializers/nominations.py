"""What the API shows and takes of award nominations and their approval."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from conferences.models import AwardCategory, AwardDecision, Nomination, Organization, Person
from conferences.models.nomination import JUSTIFICATION_MAX_LENGTH
from core.api_fields import IdField, ModelSerializer, PrimaryKeyRelatedField


class NominationSerializer(ModelSerializer):
    category_name = serializers.CharField(source="category.name_vi", read_only=True)
    nominee_name = serializers.CharField(read_only=True)
    nominated_by = serializers.SerializerMethodField(help_text=gettext_lazy("organizer or agency"))
    nominating_agency = serializers.CharField(
        source="nominated_by_registration.organization.name", read_only=True, default=None
    )
    mean_score = serializers.SerializerMethodField(
        help_text=gettext_lazy("The panel's weighted mean, 0-100 (organizers only; null without scores).")
    )
    scores = serializers.SerializerMethodField(
        help_text=gettext_lazy("Each submitted panel score, weighted, 0-100 (organizers only).")
    )

    class Meta:
        model = Nomination
        fields = [
            "id",
            "category",
            "category_name",
            "nominee_organization",
            "nominee_person",
            "nominee_name",
            "justification",
            "file_name",
            "file_kind",
            "file_size",
            "status",
            "nominated_by",
            "nominating_agency",
            "award",
            "mean_score",
            "scores",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields

    def get_nominated_by(self, nomination) -> str:
        return "agency" if nomination.nominated_by_registration_id else "organizer"

    def _ranked(self, nomination):
        return self.context.get("ranking", {}).get(nomination.pk)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_mean_score(self, nomination):
        ranked = self._ranked(nomination)
        return ranked.mean if ranked else None

    @extend_schema_field(serializers.ListField(child=serializers.FloatField()))
    def get_scores(self, nomination):
        ranked = self._ranked(nomination)
        return list(ranked.scores) if ranked else []


class NominationWriteSerializer(serializers.Serializer):
    """A new nomination: JSON, or multipart/form-data with the supporting file (PDF or DOCX, ≤ 10 MB)."""

    category = PrimaryKeyRelatedField(queryset=AwardCategory.objects.all())
    nominee_organization = PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, default=None
    )
    nominee_person = PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True, default=None
    )
    justification = serializers.CharField(max_length=JUSTIFICATION_MAX_LENGTH)
    file = serializers.FileField(required=False, allow_empty_file=True, max_length=1000)

    def service_kwargs(self) -> dict:
        data = self.validated_data
        return {
            "category": data["category"],
            "nominee_organization": data["nominee_organization"],
            "nominee_person": data["nominee_person"],
            "justification": data["justification"],
            "upload": data.get("file"),
        }


class NominationApproveSerializer(serializers.Serializer):
    nominations = serializers.ListField(child=IdField(), min_length=1, max_length=500)
    decision = IdField(help_text=gettext_lazy("An award decision of this conference."))
    citation = serializers.CharField(
        max_length=2000, help_text=gettext_lazy("Printed with every award unless `citations` gives its own.")
    )
    citations = serializers.DictField(
        child=serializers.CharField(max_length=2000),
        required=False,
        default=dict,
        help_text=gettext_lazy("Citation per nomination id, where it differs."),
    )

    def validate_decision(self, value: int) -> AwardDecision:
        decision = AwardDecision.objects.filter(pk=value, conference=self.context["conference"]).first()
        if decision is None:
            raise serializers.ValidationError(gettext_lazy("Choose a decision of this conference."))
        return decision

    def validate_citations(self, value: dict) -> dict[int, str]:
        try:
            return {int(key): text for key, text in value.items()}
        except ValueError as exc:
            raise serializers.ValidationError(gettext_lazy("Key the citations by nomination id.")) from exc
