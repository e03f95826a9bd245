"""The review API: reviewers, assignments (with automatic assignment) and a paper's reviews.

Organizers of the conference manage reviewers and assignments and read every
review; a reviewer reads their own assignments and, for a paper assigned to
them, the paper (through paper_for_reviewer: blind in JSON as on the pages),
their review and, once theirs is submitted, the others'. Writes go through the
services; their errors become HTTP 400 in the exception handler.
"""

from functools import cached_property

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api import schema as api_schema
from conferences.api.filters import SEARCH_PARAMETER, search_words
from conferences.api.permissions import OrganizedConferenceMixin
from conferences.api.serializers.reviews import (
    AutoAssignResultSerializer,
    OwnReviewSerializer,
    PaperReviewsSerializer,
    ReviewAssignmentCreateSerializer,
    ReviewAssignmentSerializer,
    ReviewerInvitationSerializer,
    ReviewerInviteSerializer,
    ReviewerSerializer,
    ReviewInputSerializer,
)
from conferences.api.views.agenda_items import CONFERENCE_SLUG
from conferences.models import Conference, Paper, Review, ReviewAssignment
from conferences.selectors.conferences import conference_get_for_user, user_is_organizer
from conferences.selectors.reviews import (
    paper_for_organizer_api,
    paper_for_reviewer,
    reviewer_assignments,
    reviewer_conference_get,
    reviewer_rows,
    reviews_for_organizer,
    reviews_for_reviewer,
)
from conferences.services.review_assignment import review_assign_many, review_auto_assign, review_unassign
from conferences.services.reviewers import reviewer_invite, reviewer_remove
from conferences.services.reviews import review_save
from core.api import ERRORS
from core.text import matches_words

ORGANIZERS = gettext_lazy("Only the organizers of this conference can manage its review.")


class ReviewConferenceMixin:
    """The conference of the URL for its organizers or its reviewers (404 for anyone else)."""

    permission_classes = [IsAuthenticated]

    @cached_property
    def conference(self) -> Conference:
        user, slug = self.request.user, self.kwargs["conference_slug"]
        for lookup in (conference_get_for_user, reviewer_conference_get):
            try:
                return lookup(slug=slug, user=user)
            except Conference.DoesNotExist:
                continue
        raise NotFound(_("No such conference."))

    @cached_property
    def is_organizer(self) -> bool:
        return user_is_organizer(user=self.request.user, conference=self.conference)

    def organizers_only(self) -> None:
        if not self.is_organizer:
            raise PermissionDenied(ORGANIZERS)


class ReviewerListView(OrganizedConferenceMixin, APIView):
    organizer_message = ORGANIZERS

    @extend_schema(
        parameters=[CONFERENCE_SLUG, SEARCH_PARAMETER],
        summary=gettext_lazy("List the reviewers with their agency, load and reviews done"),
        description=gettext_lazy("Permissions: the conference's organizers."),
        responses={200: ReviewerSerializer(many=True), **ERRORS},
    )
    def get(self, request, conference_slug):
        query = search_words(request)
        rows = [
            row
            for row in reviewer_rows(conference=self.conference)
            if matches_words(query, row.name, row.email, row.agency)
        ]
        return Response(ReviewerSerializer(rows, many=True).data)

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy(
            "Invite a reviewer by e-mail (a one-time link; an earlier open invitation is revoked)"
        ),
        description=gettext_lazy("Permissions: the conference's organizers."),
        request=ReviewerInviteSerializer,
        responses={201: ReviewerInvitationSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Invite",
                value={"email": "pb@soqn.gov.vn", "full_name": "Lê Thị Phản Biện", "organization": 12},
                request_only=True,
            )
        ],
    )
    def post(self, request, conference_slug):
        serializer = ReviewerInviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = reviewer_invite(
            conference=self.conference, invited_by=request.user, **serializer.validated_data
        )
        return Response(ReviewerInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class ReviewerDetailView(OrganizedConferenceMixin, APIView):
    organizer_message = ORGANIZERS

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("Remove a reviewer: open assignments and drafts go, submitted reviews stay"),
        description=gettext_lazy("Permissions: the conference's organizers."),
        responses={204: None, **ERRORS},
    )
    def delete(self, request, conference_slug, user_id):
        reviewer = get_object_or_404(get_user_model(), pk=user_id)
        reviewer_remove(conference=self.conference, reviewer=reviewer)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _reviewer_name(user) -> str:
    person = getattr(user, "person", None)
    return person.full_name if person else user.get_username()


class ReviewAssignmentListView(ReviewConferenceMixin, APIView):
    who_may_call = {"get": api_schema.ASSIGNMENTS_READ, "post": api_schema.ORGANIZERS}

    @extend_schema(
        parameters=[CONFERENCE_SLUG, SEARCH_PARAMETER],
        summary=gettext_lazy(
            "List assignments (organizers: all, filter ?paper= and ?reviewer=; reviewers: their own)"
        ),
        description=gettext_lazy("Permissions: the conference's organizers and reviewers."),
        responses={200: ReviewAssignmentSerializer(many=True), **ERRORS},
    )
    def get(self, request, conference_slug):
        assignments = ReviewAssignment.objects.filter(paper__conference=self.conference).select_related(
            "paper"
        )
        if not self.is_organizer:
            assignments = assignments.filter(pk__in=reviewer_assignments(reviewer=request.user).values("pk"))
        for name in ("paper", "reviewer"):
            value = request.query_params.get(name)
            if value and value.isdigit():
                assignments = assignments.filter(**{f"{name}_id": int(value)})
        query = search_words(request)
        rows = [
            assignment
            for assignment in assignments.select_related("reviewer__person").order_by("paper_id", "id")
            if matches_words(query, assignment.paper.title, _reviewer_name(assignment.reviewer))
        ]
        return Response(ReviewAssignmentSerializer(rows, many=True).data)

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("Give papers to reviewers: every pair, or none if one is refused"),
        description=gettext_lazy("Permissions: the conference's organizers."),
        request=ReviewAssignmentCreateSerializer,
        responses={201: ReviewAssignmentSerializer(many=True), **ERRORS},
        examples=[OpenApiExample("Assign", value={"papers": [3, 4], "reviewers": [7]}, request_only=True)],
    )
    def post(self, request, conference_slug):
        self.organizers_only()
        serializer = ReviewAssignmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        made = review_assign_many(
            conference=self.conference,
            paper_ids=serializer.validated_data["papers"],
            reviewer_ids=serializer.validated_data["reviewers"],
            assigned_by=request.user,
        )
        fresh = ReviewAssignment.objects.filter(pk__in=[a.pk for a in made]).select_related("paper")
        return Response(ReviewAssignmentSerializer(fresh, many=True).data, status=status.HTTP_201_CREATED)


class ReviewAssignmentDetailView(ReviewConferenceMixin, APIView):
    who_may_call = api_schema.ORGANIZERS

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("Remove an assignment (refused once its review is submitted)"),
        description=gettext_lazy("Permissions: the conference's organizers."),
        responses={204: None, **ERRORS},
    )
    def delete(self, request, conference_slug, pk):
        self.organizers_only()
        assignment = get_object_or_404(ReviewAssignment, pk=pk, paper__conference=self.conference)
        review_unassign(paper=assignment.paper, reviewer=assignment.reviewer)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AutoAssignView(OrganizedConferenceMixin, APIView):
    organizer_message = ORGANIZERS

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        request=None,
        summary=gettext_lazy(
            "Assign automatically: every open paper its reviewers, loads even, existing kept"
        ),
        description=gettext_lazy(
            "Permissions: the conference's organizers. Never a paper of the reviewer's agency or of an "
            "agency they declared a conflict with; papers left short are listed with why."
        ),
        responses={200: AutoAssignResultSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Result",
                value={
                    "created": 12,
                    "papers": 6,
                    "complete": 5,
                    "short": [
                        {
                            "paper_id": 4,
                            "title": "…",
                            "assigned": 1,
                            "needed": 2,
                            "reason": "Only 1 of the 3 …",
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def post(self, request, conference_slug):
        result = review_auto_assign(conference=self.conference, assigned_by=request.user)
        return Response(AutoAssignResultSerializer(result).data)


class PaperReviewsView(ReviewConferenceMixin, APIView):
    who_may_call = {
        "get": api_schema.REVIEWERS_AND_ORGANIZERS,
        "post": api_schema.ASSIGNED_REVIEWERS,
        "put": api_schema.ASSIGNED_REVIEWERS,
    }

    def _paper(self, pk) -> Paper:
        return get_object_or_404(Paper, pk=pk, conference=self.conference)

    def _reviews(self, pk) -> dict:
        own = Review.objects.filter(paper_id=pk, reviewer=self.request.user).first()
        if self.is_organizer:
            seen = paper_for_organizer_api(conference=self.conference, pk=pk)
            if seen is None:
                raise NotFound(_("No such paper."))
            return {"paper": seen, "own": own, "reviews": reviews_for_organizer(paper=self._paper(pk))}
        seen = paper_for_reviewer(paper_id=pk, reviewer=self.request.user)
        if seen is None:
            raise NotFound(_("This paper is not assigned to you."))
        others = reviews_for_reviewer(
            paper_id=pk, reviewer=self.request.user, blind=seen.blind, label_format=_("Reviewer %(number)s")
        )
        return {"paper": seen, "own": own, "reviews": others}

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("Read a paper's reviews"),
        description=gettext_lazy(
            "Permissions: the conference's organizers and the reviewers the paper is assigned to. One "
            "shape for both: `paper` (as the caller may see it: for a reviewer in blind mode `authors`, "
            "`agency` and `file_name` are null), `own` (the caller's review or null) and `reviews`. "
            "Organizers get every review, drafts included, named, with confidential comments; a reviewer "
            "gets the others' submitted reviews only after submitting their own (numbered, without names, "
            "in blind mode), with `reviewer` and `confidential_comment` null."
        ),
        responses={200: PaperReviewsSerializer, **ERRORS},
    )
    def get(self, request, conference_slug, pk):
        return Response(PaperReviewsSerializer(self._reviews(pk)).data)

    @extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("Save or submit your review of a paper assigned to you"),
        description=gettext_lazy("Permissions: a reviewer the paper is assigned to."),
        request=ReviewInputSerializer,
        responses={200: OwnReviewSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Submit",
                value={
                    "scores": {"noi-dung": 8, "trinh-bay": 4},
                    "comment": "…",
                    "recommendation": "accept",
                    "submit": True,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, conference_slug, pk):
        # Whom the paper is assigned to is asked before the body is read: anyone else learns
        # nothing from the fields' errors, and gets the answer the reading endpoint gives them.
        if paper_for_reviewer(paper_id=pk, reviewer=request.user) is None:
            raise NotFound(_("This paper is not assigned to you."))
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = review_save(paper=self._paper(pk), reviewer=request.user, **serializer.validated_data)
        return Response(OwnReviewSerializer(review).data)

    put = extend_schema(
        parameters=[CONFERENCE_SLUG],
        summary=gettext_lazy("Save or submit your review of a paper assigned to you (same as POST)"),
        description=gettext_lazy("Permissions: a reviewer the paper is assigned to."),
        request=ReviewInputSerializer,
        responses={200: OwnReviewSerializer, **ERRORS},
    )(post)
