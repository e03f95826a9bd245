"""What the API shows and takes of the call for papers and of papers."""

import json

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from conferences.models import CallForPapers, FileKind, Organization, Paper, PaperRevision, PaperTopic
from conferences.selectors.papers import call_state, paper_edit_state
from conferences.services.papers import AuthorInput
from core.api_fields import DateTimeField, IdField, ModelSerializer, PrimaryKeyRelatedField


class CriterionSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    label = serializers.CharField(max_length=200)
    max_score = serializers.IntegerField()
    weight = serializers.IntegerField()


class CallForPapersSerializer(ModelSerializer):
    closes_at = DateTimeField(allow_null=True, required=False)
    state = serializers.SerializerMethodField(
        help_text=gettext_lazy("not_announced, not_yet_open, open or closed")
    )
    topics = serializers.ListField(child=serializers.CharField(max_length=300), required=False)
    criteria = CriterionSerializer(many=True, required=False)
    file_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=FileKind.choices), required=False
    )

    class Meta:
        model = CallForPapers
        fields = [
            "state",
            "opens_at",
            "closes_at",
            "eligibility",
            "title_max_length",
            "abstract_max_length",
            "file_kinds",
            "max_file_mb",
            "blind_review",
            "reviewers_per_paper",
            "disagreement_margin",
            "revision_closes_at",
            "topics",
            "criteria",
        ]
        extra_kwargs = {name: {"required": False, "validators": []} for name in fields}

    def get_state(self, call) -> str:
        return call_state(call).state

    def to_representation(self, call):
        data = super().to_representation(call)
        data["topics"] = [topic.label for topic in self.context["topics"]]
        data["criteria"] = [
            {"code": c.code, "label": c.label, "max_score": c.max_score, "weight": c.weight}
            for c in self.context["criteria"]
        ]
        return data


class TopicSerializer(ModelSerializer):
    class Meta:
        model = PaperTopic
        fields = ["id", "label"]


class AuthorSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    organization = PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), allow_null=True, required=False
    )
    email = serializers.EmailField(required=False, allow_blank=True)
    position = serializers.CharField(max_length=200, required=False, allow_blank=True)


class JSONListField(serializers.ListField):
    """A list in JSON, or (in a multipart form) a JSON text of that list."""

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist") and self.field_name in dictionary:
            return dictionary.get(self.field_name)  # The JSON text, parsed below.
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError as exc:
                raise serializers.ValidationError(_("Send the authors as a JSON list.")) from exc
        return super().to_internal_value(data)


class PaperWriteSerializer(serializers.Serializer):
    """A new paper or a new revision: JSON, or multipart/form-data with the file (authors as JSON text)."""

    title = serializers.CharField(max_length=500)
    abstract = serializers.CharField(max_length=10_000)
    body = serializers.CharField(max_length=200_000, required=False, allow_blank=True, default="")
    topic = serializers.IntegerField(required=False, allow_null=True, default=None)
    authors = JSONListField(child=AuthorSerializer(), max_length=30)
    presenter_index = serializers.IntegerField(min_value=0, default=0)
    file = serializers.FileField(required=False, allow_empty_file=True, max_length=1000)

    def service_kwargs(self, conference) -> dict:
        data = self.validated_data
        topic = None
        if data.get("topic"):
            topic = PaperTopic.objects.filter(conference=conference, pk=data["topic"]).first()
            if topic is None:
                raise serializers.ValidationError({"topic": [_("Choose one of this conference's topics.")]})
        return {
            "title": data["title"],
            "abstract": data["abstract"],
            "body": data.get("body", ""),
            "topic": topic,
            "authors": [AuthorInput(**author) for author in data["authors"]],
            "presenter_index": data["presenter_index"],
            "upload": data.get("file"),
        }


class RevisionSerializer(ModelSerializer):
    topic = TopicSerializer(read_only=True, allow_null=True)
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = PaperRevision
        fields = [
            "number",
            "title",
            "abstract",
            "body",
            "topic",
            "authors",
            "file_name",
            "file_kind",
            "file_size",
            "file_sha256",
            "file_url",
            "created_at",
        ]

    def get_file_url(self, revision) -> str | None:
        if not revision.file:
            return None
        path = reverse(
            "api:paper-file",
            kwargs={"conference_slug": self.context["conference"].slug, "pk": revision.paper_id},
        )
        return self.context["request"].build_absolute_uri(f"{path}?revision={revision.number}")


class PaperAuthorSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    full_name = serializers.CharField(source="person.full_name")
    organization = serializers.CharField(source="person.organization.name", default="")
    is_presenter = serializers.BooleanField()


class ReviewForAuthorSerializer(serializers.Serializer):
    recommendation = serializers.CharField()
    comment = serializers.CharField()


class PaperSerializer(ModelSerializer):
    topic = TopicSerializer(read_only=True, allow_null=True)
    presenting_organization = serializers.SerializerMethodField()
    authors = PaperAuthorSerializer(source="authorships", many=True, read_only=True)
    current_revision = serializers.SerializerMethodField()
    revision_count = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()
    can_withdraw = serializers.SerializerMethodField()
    reviews = serializers.SerializerMethodField(
        help_text=gettext_lazy("The reviews' comments to the authors, once the paper is decided; else empty.")
    )

    class Meta:
        model = Paper
        fields = [
            "id",
            "title",
            "abstract",
            "status",
            "topic",
            "presenting_organization",
            "authors",
            "submitted_at",
            "decided_at",
            "withdrawn_at",
            "current_revision",
            "revision_count",
            "can_edit",
            "can_withdraw",
            "reviews",
        ]

    def get_presenting_organization(self, paper) -> dict | None:
        organization = paper.presenting_organization
        return {"id": organization.pk, "name": organization.name} if organization else None

    def get_current_revision(self, paper) -> dict | None:
        revisions = list(paper.revisions.all())
        return RevisionSerializer(revisions[-1], context=self.context).data if revisions else None

    def get_revision_count(self, paper) -> int:
        return len(paper.revisions.all())

    def _edit_state(self, paper):
        return paper_edit_state(paper, self.context["call"])

    def get_can_edit(self, paper) -> bool:
        return self._edit_state(paper).can_edit

    def get_can_withdraw(self, paper) -> bool:
        return self._edit_state(paper).can_withdraw

    def get_reviews(self, paper) -> list[dict]:
        reviews = self.context.get("reviews", {}).get(paper.pk, [])
        return ReviewForAuthorSerializer(reviews, many=True).data


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PaperFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Paper.Status.choices, required=False)
    topic = IdField(required=False)
    organization = IdField(required=False)
    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text=gettext_lazy('Title or agency; "quang ninh" finds "Quảng Ninh".'),
    )
    ordering = serializers.ChoiceField(
        choices=["submitted_at", "-submitted_at", "title", "-title", "status", "id"], required=False
    )
