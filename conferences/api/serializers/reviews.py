"""Serializers of the review API: reviewers, invitations, assignments, reviews (blind where it must be)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from conferences.models import Organization, Review
from core.api_fields import (
    DateTimeField,
    IdField,
    ModelSerializer,
    OptionalEmailField,
    PrimaryKeyRelatedField,
)


class ReviewerSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    email = OptionalEmailField()
    agency = serializers.CharField()
    assigned = serializers.IntegerField()
    done = serializers.IntegerField()
    conflicts = serializers.ListField(child=serializers.CharField())


class ReviewerInviteSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=200)
    organization = PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )


class ReviewerInvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    expires_at = DateTimeField()


class ReviewAssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    paper = serializers.IntegerField(source="paper_id")
    paper_title = serializers.CharField(source="paper.title")
    reviewer = serializers.IntegerField(source="reviewer_id")
    source = serializers.CharField()
    created_at = DateTimeField()


class ReviewAssignmentCreateSerializer(serializers.Serializer):
    papers = serializers.ListField(child=IdField(), allow_empty=False)
    reviewers = serializers.ListField(child=IdField(), allow_empty=False)


class ShortPaperSerializer(serializers.Serializer):
    paper_id = serializers.IntegerField()
    title = serializers.CharField()
    assigned = serializers.IntegerField()
    needed = serializers.IntegerField()
    reason = serializers.CharField()


class AutoAssignResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text=_("Assignments made by this run."))
    papers = serializers.IntegerField(help_text=_("Papers waiting for reviews."))
    complete = serializers.IntegerField(help_text=_("Papers that have all their reviewers."))
    short = ShortPaperSerializer(many=True)


class ReviewerPaperSerializer(serializers.Serializer):
    """The paper as a reviewer sees it: `authors`, `agency` and `file_name` are null in blind mode."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    abstract = serializers.CharField()
    body = serializers.CharField()
    topic = serializers.CharField()
    status = serializers.CharField()
    revision_number = serializers.IntegerField(allow_null=True)
    has_file = serializers.BooleanField()
    blind = serializers.BooleanField()
    authors = serializers.SerializerMethodField()
    agency = serializers.CharField(allow_null=True)
    file_name = serializers.CharField(allow_null=True)

    def get_authors(self, paper) -> list[dict] | None:
        if paper.authors is None:
            return None
        return [{"name": name, "agency": agency} for name, agency in paper.authors]


class OwnReviewSerializer(ModelSerializer):
    class Meta:
        model = Review
        fields = ["scores", "comment", "confidential_comment", "recommendation", "status", "submitted_at"]


class PaperReviewSerializer(serializers.Serializer):
    """A review as the caller may read it: organizers get names and confidential comments, reviewers not."""

    label = serializers.CharField(
        help_text=_("The reviewer's name; for a reviewer in blind mode “Reviewer 2” (by assignment order).")
    )
    reviewer = serializers.IntegerField(
        allow_null=True, help_text=_("The reviewer's user id; null for reviewers.")
    )
    scores = serializers.DictField(child=serializers.IntegerField())
    comment = serializers.CharField()
    confidential_comment = serializers.CharField(
        allow_null=True, help_text=_("The comment to the organizers; null for reviewers.")
    )
    recommendation = serializers.CharField()
    recommendation_label = serializers.CharField()
    status = serializers.CharField()
    submitted_at = DateTimeField(allow_null=True)


class PaperReviewsSerializer(serializers.Serializer):
    """One shape for organizers and reviewers."""

    paper = ReviewerPaperSerializer()
    own = OwnReviewSerializer(
        allow_null=True, help_text=_("The caller's own review (draft or submitted); null if none.")
    )
    reviews = PaperReviewSerializer(
        many=True,
        help_text=_(
            "Organizers: every review, drafts included. Reviewers: the others' submitted reviews, "
            "empty until they submitted their own."
        ),
    )


class ReviewInputSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.IntegerField(), required=False, default=dict)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)
    confidential_comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=10_000
    )
    recommendation = serializers.ChoiceField(
        choices=[("", "—"), *Review.Recommendation.choices], required=False, default=""
    )
    submit = serializers.BooleanField(default=False, help_text=_("False saves a draft; true submits."))
