from django.urls import path

from conferences.views import (
    agenda,
    agenda_editor,
    api_tokens,
    ceremony,
    delegate_nominations,
    delegate_papers,
    delegates,
    imports,
    language,
    organizer_answers,
    organizer_awards,
    organizer_call_for_papers,
    organizer_certificates,
    organizer_check_in,
    organizer_conference,
    organizer_dashboard,
    organizer_delegates,
    organizer_exports,
    organizer_invitations,
    organizer_nominations,
    organizer_outbox,
    organizer_paper_reports,
    organizer_proceedings,
    organizer_reviews,
    panel_nominations,
    public,
    reviewer_pages,
    sign_in,
    workspace,
)

app_name = "conferences"

urlpatterns = [
    path("", public.home, name="home"),
    path("ngon-ngu/<str:code>/", language.language_switch, name="language"),
    path("hoi-nghi/<slug:slug>/", public.conference_detail, name="detail"),
    path("xac-minh/", public.certificate_verify, name="certificate-lookup"),
    path("xac-minh/<str:code>/", public.certificate_verify, name="certificate-verify"),
    path("tra-loi/<str:token>/", delegates.rsvp, name="rsvp"),
    path("dai-bieu/<str:token>/", delegates.delegate_page, name="delegate"),
    path(
        "dai-bieu/<str:token>/giay-chung-nhan/<str:serial>.pdf",
        delegates.delegate_certificate,
        name="delegate-certificate",
    ),
    path("dai-bieu/<str:token>/ve.pdf", delegates.delegate_e_ticket, name="delegate-e-ticket"),
    # The agency's award nominations, by its delegate's personal link.
    path(
        "dai-bieu/<str:token>/de-nghi-khen-thuong/",
        delegate_nominations.nominations,
        name="delegate-nominations",
    ),
    path(
        "dai-bieu/<str:token>/de-nghi-khen-thuong/<int:pk>/rut/",
        delegate_nominations.nomination_withdraw_view,
        name="delegate-nomination-withdraw",
    ),
    path(
        "dai-bieu/<str:token>/de-nghi-khen-thuong/<int:pk>/tep/",
        delegate_nominations.nomination_file_view,
        name="delegate-nomination-file",
    ),
    # The delegate's papers, by their personal link.
    path("dai-bieu/<str:token>/tham-luan/moi/", delegate_papers.paper_new, name="delegate-paper-new"),
    path("dai-bieu/<str:token>/tham-luan/<int:pk>/", delegate_papers.paper_detail, name="delegate-paper"),
    path(
        "dai-bieu/<str:token>/tham-luan/<int:pk>/sua/",
        delegate_papers.paper_change,
        name="delegate-paper-edit",
    ),
    path(
        "dai-bieu/<str:token>/tham-luan/<int:pk>/rut/",
        delegate_papers.paper_withdraw_view,
        name="delegate-paper-withdraw",
    ),
    path(
        "dai-bieu/<str:token>/tham-luan/<int:pk>/hinh/",
        delegate_papers.paper_figure_new,
        name="delegate-paper-figure-new",
    ),
    path(
        "dai-bieu/<str:token>/tham-luan/<int:pk>/hinh/<int:figure_id>/",
        delegate_papers.paper_figure_image,
        name="delegate-paper-figure",
    ),
    path(
        "dai-bieu/<str:token>/tham-luan/<int:pk>/hinh/<int:figure_id>/xoa/",
        delegate_papers.paper_figure_delete,
        name="delegate-paper-figure-delete",
    ),
    path(
        "dai-bieu/<str:token>/tham-luan/<int:pk>/tep/<int:number>/",
        delegate_papers.paper_download,
        name="delegate-paper-file",
    ),
    # The published agenda: page, history, old versions, exports of the current version.
    path("hoi-nghi/<slug:slug>/chuong-trinh/", agenda.agenda_page, name="agenda"),
    path("hoi-nghi/<slug:slug>/chuong-trinh/lich-su/", agenda.agenda_history, name="agenda-history"),
    path(
        "hoi-nghi/<slug:slug>/chuong-trinh/v<int:number>/", agenda.agenda_version_page, name="agenda-version"
    ),
    path("hoi-nghi/<slug:slug>/chuong-trinh.pdf", agenda.agenda_pdf, name="agenda-pdf"),
    path("hoi-nghi/<slug:slug>/chuong-trinh.ics", agenda.agenda_ics, name="agenda-ics"),
    path("hoi-nghi/<slug:slug>/chuong-trinh.json", agenda.agenda_json, name="agenda-json"),
    path("dai-bieu/<str:token>/chuong-trinh.ics", agenda.delegate_agenda_ics, name="delegate-agenda-ics"),
    # A conference's set-up: create, settings and rooms, publish and close, the team.
    path("to-chuc/moi/", organizer_conference.conference_create_view, name="conference-create"),
    path("to-chuc/<slug:slug>/cai-dat/", organizer_conference.conference_edit, name="conference-edit"),
    path(
        "to-chuc/<slug:slug>/cai-dat/phong/", organizer_conference.room_add_view, name="conference-room-add"
    ),
    path(
        "to-chuc/<slug:slug>/cai-dat/phong/<int:pk>/",
        organizer_conference.room_edit_view,
        name="conference-room-edit",
    ),
    path(
        "to-chuc/<slug:slug>/cai-dat/phong/<int:pk>/thu-tu/",
        organizer_conference.room_move_view,
        name="conference-room-move",
    ),
    path(
        "to-chuc/<slug:slug>/cai-dat/phong/<int:pk>/xoa/",
        organizer_conference.room_remove_view,
        name="conference-room-remove",
    ),
    path(
        "to-chuc/<slug:slug>/cong-bo/",
        organizer_conference.conference_state_view,
        {"change": "publish"},
        name="conference-publish",
    ),
    path(
        "to-chuc/<slug:slug>/dong/",
        organizer_conference.conference_state_view,
        {"change": "close"},
        name="conference-close",
    ),
    path("to-chuc/<slug:slug>/nhom/", organizer_conference.conference_team, name="conference-team"),
    path(
        "to-chuc/<slug:slug>/nhom/<int:pk>/rut/",
        organizer_conference.team_withdraw_view,
        name="conference-team-withdraw",
    ),
    path(
        "to-chuc/<slug:slug>/nhom/loi-moi/<int:pk>/",
        organizer_conference.team_invitation_view,
        name="conference-team-invitation",
    ),
    # The link of an invitation to organize (the same page as a reviewer's: the invitation names the role).
    path("nhom/moi/<str:token>/", reviewer_pages.reviewer_accept, name="team-accept"),
    # Organizer pages for one conference's invitations and delegates.
    path("to-chuc/<slug:slug>/giay-moi/", organizer_invitations.invitations, name="organizer-invitations"),
    path(
        "to-chuc/<slug:slug>/giay-moi/gui-da-chon/",
        organizer_invitations.invitations_send_selected,
        name="organizer-invitations-send-selected",
    ),
    path(
        "to-chuc/<slug:slug>/giay-moi/moi-hang-loat/",
        organizer_invitations.invitations_bulk_create,
        name="organizer-invitations-bulk-create",
    ),
    path(
        "to-chuc/<slug:slug>/giay-moi/<int:pk>/",
        organizer_invitations.invitation_detail,
        name="organizer-invitation",
    ),
    path(
        "to-chuc/<slug:slug>/giay-moi/<int:pk>/gui/",
        organizer_invitations.invitation_send_view,
        name="organizer-invitation-send",
    ),
    path(
        "to-chuc/<slug:slug>/giay-moi/<int:pk>/nhac/",
        organizer_invitations.invitation_remind_view,
        name="organizer-invitation-remind",
    ),
    path(
        "to-chuc/<slug:slug>/giay-moi/<int:pk>/thu-hoi/",
        organizer_invitations.invitation_revoke_view,
        name="organizer-invitation-revoke",
    ),
    path(
        "to-chuc/<slug:slug>/giay-moi/<int:pk>/tra-loi-thay/",
        organizer_answers.invitation_answer,
        name="organizer-invitation-answer",
    ),
    path(
        "to-chuc/<slug:slug>/giay-moi/<int:pk>/giay-moi.pdf",
        organizer_invitations.invitation_letter,
        name="organizer-invitation-letter",
    ),
    path("to-chuc/<slug:slug>/dai-bieu/", organizer_delegates.delegates, name="organizer-delegates"),
    path(
        "to-chuc/<slug:slug>/dai-bieu/diem-danh/",
        organizer_delegates.delegates_check_in,
        name="organizer-delegates-check-in",
    ),
    path(
        "to-chuc/<slug:slug>/dai-bieu/danh-sach.csv",
        organizer_exports.delegates_csv,
        name="organizer-delegates-csv",
    ),
    path(
        "to-chuc/<slug:slug>/dai-bieu/danh-sach.xlsx",
        organizer_exports.delegates_xlsx,
        name="organizer-delegates-xlsx",
    ),
    path(
        "to-chuc/<slug:slug>/tham-luan/cai-dat/",
        organizer_call_for_papers.call_for_papers_settings,
        name="organizer-call-for-papers",
    ),
    # Certificates: counts, generating in bulk, the list, revoking and reissuing, the files.
    path(
        "to-chuc/<slug:slug>/giay-chung-nhan/",
        organizer_certificates.certificates,
        name="organizer-certificates",
    ),
    path(
        "to-chuc/<slug:slug>/giay-chung-nhan/tao/",
        organizer_certificates.certificates_generate_view,
        name="organizer-certificates-generate",
    ),
    path(
        "to-chuc/<slug:slug>/giay-chung-nhan/da-chon/",
        organizer_certificates.certificates_bulk,
        name="organizer-certificates-bulk",
    ),
    path(
        "to-chuc/<slug:slug>/giay-chung-nhan/<int:pk>/thu-hoi/",
        organizer_certificates.certificate_revoke_view,
        name="organizer-certificate-revoke",
    ),
    path(
        "to-chuc/<slug:slug>/giay-chung-nhan/<int:pk>/cap-lai/",
        organizer_certificates.certificate_reissue_view,
        name="organizer-certificate-reissue",
    ),
    path(
        "to-chuc/<slug:slug>/giay-chung-nhan/<int:pk>/tep.pdf",
        organizer_certificates.certificate_file,
        name="organizer-certificate-file",
    ),
    # The proceedings (kỷ yếu): the foreword, builds as jobs, every build's file.
    path("to-chuc/<slug:slug>/ky-yeu/", organizer_proceedings.proceedings, name="organizer-proceedings"),
    path(
        "to-chuc/<slug:slug>/ky-yeu/tao/",
        organizer_proceedings.proceedings_build_view,
        name="organizer-proceedings-build",
    ),
    path(
        "to-chuc/<slug:slug>/ky-yeu/loi-noi-dau/",
        organizer_proceedings.proceedings_foreword_view,
        name="organizer-proceedings-foreword",
    ),
    path(
        "to-chuc/<slug:slug>/ky-yeu/<int:pk>/tep.pdf",
        organizer_proceedings.proceedings_download,
        name="organizer-proceedings-download",
    ),
    # The door: check-in by typed code or camera scan, and the live counts.
    path("to-chuc/<slug:slug>/diem-danh/", organizer_check_in.check_in, name="organizer-check-in"),
    path(
        "to-chuc/<slug:slug>/diem-danh/so-lieu.json",
        organizer_check_in.check_in_counts_json,
        name="organizer-check-in-counts",
    ),
    # The conference's outbox: notices, their delivery log, approve, cancel and resend.
    path("to-chuc/<slug:slug>/thong-bao/", organizer_outbox.outbox, name="outbox"),
    path("to-chuc/<slug:slug>/thong-bao/xu-ly/", organizer_outbox.outbox_bulk_action, name="outbox-action"),
    path(
        "to-chuc/<slug:slug>/thong-bao/<uuid:pk>/", organizer_outbox.notification_detail, name="notification"
    ),
    path(
        "to-chuc/<slug:slug>/thong-bao/<uuid:pk>/gui-lai/",
        organizer_outbox.notification_resend_view,
        name="notification-resend",
    ),
    # Importing agencies and contacts from a file (staff): upload, preview, import.
    path("to-chuc/co-quan/nhap/", imports.organization_import, name="organization-import"),
    path(
        "to-chuc/co-quan/nhap/xem-truoc/",
        imports.organization_import_preview,
        name="organization-import-preview",
    ),
    path(
        "to-chuc/co-quan/nhap/xac-nhan/",
        imports.organization_import_commit,
        name="organization-import-commit",
    ),
    path(
        "to-chuc/co-quan/nhap/mau.xlsx",
        imports.organization_import_template,
        name="organization-import-template",
    ),
    # The organizer's agenda editor (checks and publishing included).
    path("to-chuc/<slug:slug>/chuong-trinh/", agenda_editor.agenda_editor, name="agenda-editor"),
    path(
        "to-chuc/<slug:slug>/chuong-trinh/dien-tu-tham-luan/",
        agenda_editor.agenda_fill,
        name="agenda-fill",
    ),
    path(
        "to-chuc/<slug:slug>/chuong-trinh/cong-bo/",
        agenda_editor.agenda_publish_view,
        name="agenda-publish",
    ),
    path(
        "to-chuc/<slug:slug>/chuong-trinh/<int:pk>/",
        agenda_editor.agenda_item_edit,
        name="agenda-item-edit",
    ),
    path(
        "to-chuc/<slug:slug>/chuong-trinh/<int:pk>/doi-gio/",
        agenda_editor.agenda_item_move_view,
        name="agenda-item-move",
    ),
    path(
        "to-chuc/<slug:slug>/chuong-trinh/<int:pk>/nhan-ban/",
        agenda_editor.agenda_item_duplicate_view,
        name="agenda-item-duplicate",
    ),
    path(
        "to-chuc/<slug:slug>/chuong-trinh/<int:pk>/sap-xep/",
        agenda_editor.agenda_item_reorder_view,
        name="agenda-item-reorder",
    ),
    path(
        "to-chuc/<slug:slug>/chuong-trinh/<int:pk>/xoa/",
        agenda_editor.agenda_item_delete_view,
        name="agenda-item-delete",
    ),
    # Reviewing papers: the reviewer's pages, then the organizers' (reviewers, assignments, ranking).
    path("dang-nhap/", sign_in.SignInView.as_view(), name="sign-in"),
    path("dang-xuat/", sign_in.SignOutView.as_view(), name="sign-out"),
    path("quen-mat-khau/", sign_in.PasswordForgottenView.as_view(), name="password-reset"),
    path("quen-mat-khau/da-gui/", sign_in.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        sign_in.PasswordResetNewView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/", sign_in.PasswordResetCompleteView.as_view(), name="password-reset-complete"
    ),
    path("to-chuc/", workspace.workspace, name="workspace"),
    path("to-chuc/ma-api/", api_tokens.api_tokens, name="api-tokens"),
    path("to-chuc/ma-api/<int:pk>/thu-hoi/", api_tokens.api_token_revoke_view, name="api-token-revoke"),
    path("phan-bien/", reviewer_pages.reviewer_home, name="reviewer-home"),
    path("phan-bien/moi/<str:token>/", reviewer_pages.reviewer_accept, name="reviewer-accept"),
    path("phan-bien/<slug:slug>/", reviewer_pages.reviewer_papers, name="reviewer-papers"),
    path("phan-bien/<slug:slug>/<int:pk>/", reviewer_pages.reviewer_paper, name="reviewer-paper"),
    # The evaluation panel of award nominations (the conference's reviewers).
    path(
        "phan-bien/<slug:slug>/de-nghi-khen-thuong/",
        panel_nominations.panel_nominations,
        name="panel-nominations",
    ),
    path(
        "phan-bien/<slug:slug>/de-nghi-khen-thuong/<int:pk>/",
        panel_nominations.panel_nomination,
        name="panel-nomination",
    ),
    path(
        "phan-bien/<slug:slug>/de-nghi-khen-thuong/<int:pk>/tep/",
        panel_nominations.panel_nomination_file,
        name="panel-nomination-file",
    ),
    # Award nominations: the ranking, new ones, approval into a decision, rejection.
    path(
        "to-chuc/<slug:slug>/de-nghi-khen-thuong/",
        organizer_nominations.nominations,
        name="organizer-nominations",
    ),
    path(
        "to-chuc/<slug:slug>/de-nghi-khen-thuong/duyet/",
        organizer_nominations.nominations_approve_view,
        name="organizer-nominations-approve",
    ),
    path(
        "to-chuc/<slug:slug>/de-nghi-khen-thuong/<int:pk>/khong-duyet/",
        organizer_nominations.nomination_reject_view,
        name="organizer-nomination-reject",
    ),
    path(
        "to-chuc/<slug:slug>/de-nghi-khen-thuong/tieu-chi/",
        organizer_nominations.nomination_criteria_view,
        name="organizer-nomination-criteria",
    ),
    path(
        "to-chuc/<slug:slug>/de-nghi-khen-thuong/<int:pk>/tep/",
        organizer_nominations.nomination_file_view,
        name="organizer-nomination-file",
    ),
    path(
        "phan-bien/<slug:slug>/<int:pk>/tep/", reviewer_pages.reviewer_paper_file, name="reviewer-paper-file"
    ),
    path("to-chuc/<slug:slug>/phan-bien/", organizer_reviews.reviewers, name="organizer-reviewers"),
    path(
        "to-chuc/<slug:slug>/phan-bien/loi-moi/<int:pk>/",
        organizer_reviews.reviewer_invitation_action,
        name="organizer-reviewer-invitation",
    ),
    path(
        "to-chuc/<slug:slug>/phan-bien/<int:user_id>/xoa/",
        organizer_reviews.reviewer_remove_view,
        name="organizer-reviewer-remove",
    ),
    path(
        "to-chuc/<slug:slug>/phan-bien/xung-dot/",
        organizer_reviews.reviewer_conflict_view,
        name="organizer-reviewer-conflict",
    ),
    path("to-chuc/<slug:slug>/phan-cong/", organizer_reviews.assignments, name="organizer-assignments"),
    path(
        "to-chuc/<slug:slug>/phan-cong/xu-ly/",
        organizer_reviews.assignments_action,
        name="organizer-assignments-action",
    ),
    path("to-chuc/<slug:slug>/tham-luan/", organizer_reviews.ranking, name="organizer-papers"),
    path(
        "to-chuc/<slug:slug>/tham-luan/quyet-dinh/",
        organizer_reviews.papers_decide,
        name="organizer-papers-decide",
    ),
    path("to-chuc/<slug:slug>/tham-luan/<int:pk>/", organizer_reviews.paper_detail, name="organizer-paper"),
    path(
        "to-chuc/<slug:slug>/tham-luan/<int:pk>/hinh/<int:figure_id>/",
        organizer_reviews.paper_figure_image,
        name="organizer-paper-figure",
    ),
    path(
        "to-chuc/<slug:slug>/tham-luan/<int:pk>/ban/<int:number>/tep/",
        organizer_reviews.paper_revision_file,
        name="organizer-paper-revision-file",
    ),
    # Papers: decided ones' files (exports, review summaries) and the revision round.
    path(
        "to-chuc/<slug:slug>/tham-luan/dong-vong-sua/",
        organizer_paper_reports.revision_round_close_view,
        name="organizer-revision-round-close",
    ),
    path(
        "to-chuc/<slug:slug>/tham-luan/danh-sach.csv",
        organizer_paper_reports.papers_csv,
        name="organizer-papers-csv",
    ),
    path(
        "to-chuc/<slug:slug>/tham-luan/danh-sach.xlsx",
        organizer_paper_reports.papers_xlsx,
        name="organizer-papers-xlsx",
    ),
    path(
        "to-chuc/<slug:slug>/tham-luan/phan-bien.csv",
        organizer_paper_reports.reviews_csv,
        name="organizer-reviews-csv",
    ),
    path(
        "to-chuc/<slug:slug>/tham-luan/phan-bien.xlsx",
        organizer_paper_reports.reviews_xlsx,
        name="organizer-reviews-xlsx",
    ),
    path(
        "to-chuc/<slug:slug>/tham-luan/tom-tat-phan-bien.pdf",
        organizer_paper_reports.review_summary_all,
        name="organizer-review-summary",
    ),
    path(
        "to-chuc/<slug:slug>/tham-luan/<int:pk>/tom-tat-phan-bien.pdf",
        organizer_paper_reports.paper_review_summary,
        name="organizer-paper-review-summary",
    ),
    # Award decisions and their awards (organizers).
    path("to-chuc/<slug:slug>/khen-thuong/", organizer_awards.awards, name="organizer-awards"),
    path(
        "to-chuc/<slug:slug>/khen-thuong/<int:pk>/quyet-dinh.pdf",
        organizer_awards.award_decision_pdf,
        name="organizer-award-decision-pdf",
    ),
    path(
        "to-chuc/<slug:slug>/khen-thuong/<int:pk>/them/",
        organizer_awards.award_add,
        name="organizer-award-add",
    ),
    path(
        "to-chuc/<slug:slug>/khen-thuong/<int:pk>/<int:award_pk>/sua/",
        organizer_awards.award_edit,
        name="organizer-award-edit",
    ),
    path(
        "to-chuc/<slug:slug>/khen-thuong/<int:pk>/<int:award_pk>/xoa/",
        organizer_awards.award_delete_view,
        name="organizer-award-delete",
    ),
    # The awards ceremony: the organizers' controller and running order, the public stage screen.
    path("to-chuc/<slug:slug>/le-trao-thuong/", ceremony.controller, name="organizer-ceremony"),
    path("to-chuc/<slug:slug>/le-trao-thuong/chuyen/", ceremony.advance, name="organizer-ceremony-advance"),
    path(
        "to-chuc/<slug:slug>/le-trao-thuong/thu-tu/", ceremony.running_order, name="organizer-ceremony-order"
    ),
    path(
        "to-chuc/<slug:slug>/le-trao-thuong/kich-ban.pdf",
        ceremony.running_sheet_pdf,
        name="organizer-ceremony-running-sheet",
    ),
    path("hoi-nghi/<slug:slug>/le-trao-thuong/man-hinh/", ceremony.stage, name="ceremony-stage"),
    path("hoi-nghi/<slug:slug>/le-trao-thuong/trang-thai.json", ceremony.stage_state, name="ceremony-state"),
    # The conference's dashboard, last: a fixed word under /to-chuc/ (co-quan, moi ...) is matched before it.
    path("to-chuc/<slug:slug>/", organizer_dashboard.dashboard, name="organizer-dashboard"),
]
