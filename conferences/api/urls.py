from django.urls import include, path
from rest_framework.routers import DefaultRouter

from conferences.api.views import (
    agenda,
    agenda_items,
    api_tokens,
    awards,
    bulk_actions,
    certificates,
    check_in,
    invitations,
    jobs,
    nominations,
    notifications,
    organizations,
    organizer_actions,
    organizer_files,
    paper_decisions,
    paper_figures,
    papers,
    proceedings,
    reviews,
    rsvp,
    workspace,
)
from conferences.api.views.conferences import ConferenceViewSet, TeamMemberView, TeamView, TokenView

app_name = "api"

router = DefaultRouter()
router.register("conferences", ConferenceViewSet, basename="conference")
router.register("notifications", notifications.NotificationViewSet, basename="notification")
router.register("organizations", organizations.OrganizationViewSet, basename="organization")
router.register(
    r"conferences/(?P<conference_slug>[-\w]+)/invitations",
    invitations.InvitationViewSet,
    basename="invitation",
)
router.register(
    r"conferences/(?P<conference_slug>[-\w]+)/registrations",
    invitations.RegistrationViewSet,
    basename="registration",
)
router.register(
    r"conferences/(?P<conference_slug>[-\w]+)/agenda/items",
    agenda_items.AgendaItemViewSet,
    basename="agenda-item",
)

router.register(r"conferences/(?P<conference_slug>[-\w]+)/papers", papers.PaperViewSet, basename="paper")
router.register(
    r"conferences/(?P<conference_slug>[-\w]+)/nominations",
    nominations.NominationViewSet,
    basename="nomination",
)
router.register(
    r"conferences/(?P<conference_slug>[-\w]+)/certificates",
    certificates.CertificateViewSet,
    basename="certificate",
)

urlpatterns = [
    path(
        "conferences/<slug:conference_slug>/call-for-papers/",
        papers.CallForPapersView.as_view(),
        name="call-for-papers",
    ),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/tokens/", api_tokens.ApiTokenListView.as_view(), name="api-token-list"),
    path("auth/tokens/<int:pk>/", api_tokens.ApiTokenDetailView.as_view(), name="api-token-detail"),
    # The door: desk apps check in by typed code or scanned link, and read the live counts.
    path("conferences/<slug:conference_slug>/team/", TeamView.as_view(), name="conference-team"),
    path(
        "conferences/<slug:conference_slug>/team/<int:pk>/",
        TeamMemberView.as_view(),
        name="conference-team-member",
    ),
    path("conferences/<slug:conference_slug>/check-in/", check_in.CheckInView.as_view(), name="check-in"),
    path(
        "conferences/<slug:conference_slug>/check-in/counts/",
        check_in.CheckInCountsView.as_view(),
        name="check-in-counts",
    ),
    path(
        "conferences/<slug:conference_slug>/invitations/<int:pk>/letter.pdf",
        invitations.invitation_letter_view,
        name="invitation-letter",
    ),
    path("rsvp/<str:token>/", rsvp.RsvpView.as_view(), name="rsvp"),
    path("jobs/<int:pk>/", jobs.JobView.as_view(), name="job"),
    path(
        "conferences/<slug:conference_slug>/proceedings/",
        proceedings.ProceedingsView.as_view(),
        name="proceedings",
    ),
    path(
        "conferences/<slug:conference_slug>/proceedings/<int:pk>/download/",
        proceedings.ProceedingsDownloadView.as_view(),
        name="proceedings-download",
    ),
    path(
        "certificates/verify/<str:code>/",
        certificates.CertificateVerifyView.as_view(),
        name="certificate-verify",
    ),
    # The published agenda (read only).
    path("conferences/<slug:conference_slug>/agenda/", agenda.AgendaView.as_view(), name="agenda"),
    path("conferences/<slug:conference_slug>/agenda.ics", agenda.AgendaIcsView.as_view(), name="agenda-ics"),
    path("conferences/<slug:conference_slug>/agenda.pdf", agenda.AgendaPdfView.as_view(), name="agenda-pdf"),
    path(
        "conferences/<slug:conference_slug>/agenda/versions/",
        agenda.AgendaVersionListView.as_view(),
        name="agenda-versions",
    ),
    path(
        "conferences/<slug:conference_slug>/agenda/versions/<int:number>/",
        agenda.AgendaVersionDetailView.as_view(),
        name="agenda-version",
    ),
    path(
        "conferences/<slug:conference_slug>/agenda/check/",
        agenda_items.AgendaCheckView.as_view(),
        name="agenda-check",
    ),
    path(
        "conferences/<slug:conference_slug>/agenda/publish/",
        agenda_items.AgendaPublishView.as_view(),
        name="agenda-publish",
    ),
    # The review: before the router, so papers/{id}/reviews/ never meets the papers viewset's routes.
    path(
        "conferences/<slug:conference_slug>/reviewers/", reviews.ReviewerListView.as_view(), name="reviewers"
    ),
    path(
        "conferences/<slug:conference_slug>/reviewers/<int:user_id>/",
        reviews.ReviewerDetailView.as_view(),
        name="reviewer",
    ),
    path(
        "conferences/<slug:conference_slug>/review-assignments/",
        reviews.ReviewAssignmentListView.as_view(),
        name="review-assignments",
    ),
    path(
        "conferences/<slug:conference_slug>/review-assignments/auto-assign/",
        reviews.AutoAssignView.as_view(),
        name="review-assignments-auto",
    ),
    path(
        "conferences/<slug:conference_slug>/review-assignments/<int:pk>/",
        reviews.ReviewAssignmentDetailView.as_view(),
        name="review-assignment",
    ),
    path(
        "conferences/<slug:conference_slug>/papers/<int:pk>/reviews/",
        reviews.PaperReviewsView.as_view(),
        name="paper-reviews",
    ),
    path(
        "conferences/<slug:conference_slug>/papers/<int:pk>/figures/",
        paper_figures.PaperFigureListView.as_view(),
        name="paper-figures",
    ),
    path(
        "conferences/<slug:conference_slug>/papers/<int:pk>/figures/<int:figure_id>/",
        paper_figures.PaperFigureDetailView.as_view(),
        name="paper-figure",
    ),
    path(
        "conferences/<slug:conference_slug>/papers/<int:pk>/decision/",
        paper_decisions.PaperDecisionView.as_view(),
        name="paper-decision",
    ),
    # Awards and the ceremony.
    path(
        "conferences/<slug:conference_slug>/award-categories/",
        awards.AwardCategoryListView.as_view(),
        name="award-categories",
    ),
    path(
        "conferences/<slug:conference_slug>/award-decisions/",
        awards.AwardDecisionListView.as_view(),
        name="award-decisions",
    ),
    path(
        "conferences/<slug:conference_slug>/award-decisions/<int:pk>/",
        awards.AwardDecisionDetailView.as_view(),
        name="award-decision",
    ),
    path(
        "conferences/<slug:conference_slug>/award-decisions/<int:pk>/document.pdf",
        awards.AwardDecisionDocumentView.as_view(),
        name="award-decision-document",
    ),
    path("conferences/<slug:conference_slug>/awards/", awards.AwardListView.as_view(), name="awards"),
    path(
        "conferences/<slug:conference_slug>/awards/<int:pk>/", awards.AwardDetailView.as_view(), name="award"
    ),
    path("conferences/<slug:conference_slug>/ceremony/", awards.CeremonyView.as_view(), name="ceremony"),
    path(
        "conferences/<slug:conference_slug>/ceremony/advance/",
        awards.CeremonyAdvanceView.as_view(),
        name="ceremony-advance",
    ),
    # A conference's rooms, people and audit log (organizers).
    path("conferences/<slug:conference_slug>/rooms/", workspace.RoomListView.as_view(), name="rooms"),
    path(
        "conferences/<slug:conference_slug>/rooms/reorder/",
        workspace.RoomReorderView.as_view(),
        name="rooms-reorder",
    ),
    path(
        "conferences/<slug:conference_slug>/rooms/<int:pk>/", workspace.RoomDetailView.as_view(), name="room"
    ),
    path("conferences/<slug:conference_slug>/people/", workspace.PeopleListView.as_view(), name="people"),
    path("conferences/<slug:conference_slug>/audit-log/", workspace.AuditLogView.as_view(), name="audit-log"),
    # What the pages do beyond the lists above: the foreword, the revision round, conflicts, team links.
    path(
        "conferences/<slug:conference_slug>/proceedings/foreword/",
        organizer_actions.ProceedingsForewordView.as_view(),
        name="proceedings-foreword",
    ),
    path(
        "conferences/<slug:conference_slug>/papers/close-revision-round/",
        organizer_actions.RevisionRoundCloseView.as_view(),
        name="revision-round-close",
    ),
    path(
        "conferences/<slug:conference_slug>/reviewers/<int:user_id>/conflicts/",
        organizer_actions.ReviewerConflictListView.as_view(),
        name="reviewer-conflicts",
    ),
    path(
        "conferences/<slug:conference_slug>/reviewers/<int:user_id>/conflicts/<int:organization_id>/",
        organizer_actions.ReviewerConflictDetailView.as_view(),
        name="reviewer-conflict",
    ),
    path(
        "conferences/<slug:conference_slug>/team/invitations/<int:pk>/resend/",
        organizer_actions.TeamInvitationActionView.as_view(),
        {"action": "resend"},
        name="team-invitation-resend",
    ),
    path(
        "conferences/<slug:conference_slug>/team/invitations/<int:pk>/revoke/",
        organizer_actions.TeamInvitationActionView.as_view(),
        {"action": "revoke"},
        name="team-invitation-revoke",
    ),
    # The organizer pages' bulk actions and files (before the router, whose detail routes would take them).
    path(
        "conferences/<slug:conference_slug>/certificates/bulk/",
        bulk_actions.CertificateBulkView.as_view(),
        name="certificate-bulk",
    ),
    path(
        "conferences/<slug:conference_slug>/registrations/check-in/",
        bulk_actions.RegistrationBulkCheckInView.as_view(),
        name="registration-bulk-check-in",
    ),
    path(
        "conferences/<slug:conference_slug>/registrations/export.csv",
        organizer_files.DelegatesCsvView.as_view(),
        name="registration-export-csv",
    ),
    path(
        "conferences/<slug:conference_slug>/registrations/export.xlsx",
        organizer_files.DelegatesXlsxView.as_view(),
        name="registration-export-xlsx",
    ),
    path(
        "conferences/<slug:conference_slug>/papers/export.csv",
        organizer_files.PapersCsvView.as_view(),
        name="paper-export-csv",
    ),
    path(
        "conferences/<slug:conference_slug>/papers/export.xlsx",
        organizer_files.PapersXlsxView.as_view(),
        name="paper-export-xlsx",
    ),
    path(
        "conferences/<slug:conference_slug>/papers/reviews.csv",
        organizer_files.ReviewsCsvView.as_view(),
        name="paper-reviews-csv",
    ),
    path(
        "conferences/<slug:conference_slug>/papers/reviews.xlsx",
        organizer_files.ReviewsXlsxView.as_view(),
        name="paper-reviews-xlsx",
    ),
    path(
        "conferences/<slug:conference_slug>/papers/review-summary.pdf",
        organizer_files.ReviewSummaryView.as_view(),
        name="paper-review-summary-all",
    ),
    path(
        "conferences/<slug:conference_slug>/papers/<int:pk>/review-summary.pdf",
        organizer_files.PaperReviewSummaryView.as_view(),
        name="paper-review-summary",
    ),
    path(
        "conferences/<slug:conference_slug>/ceremony/running-sheet.pdf",
        organizer_files.RunningSheetView.as_view(),
        name="ceremony-running-sheet",
    ),
    path("", include(router.urls)),
]
