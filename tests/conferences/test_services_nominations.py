"""Nominations: who may nominate whom, the deadline, the file checks, the panel's scores, approval."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from conferences.documents.award_decision import render_award_decision
from conferences.models import (
    Award,
    Nomination,
    NominationScore,
    Person,
    Review,
    ReviewCriterion,
    ReviewerConflict,
)
from conferences.selectors.ceremony import award_decision_get
from conferences.selectors.nominations import nomination_criteria, nominations_for_panel, nominations_ranking
from conferences.selectors.review_stats import review_figures
from conferences.services.nominations import (
    nomination_create,
    nomination_criteria_replace,
    nomination_reject,
    nomination_score_save,
    nomination_withdraw,
    nominations_approve,
)
from conferences.services.organizations import person_create
from core.exceptions import ApplicationError
from tests.conferences.nomination_helpers import (
    CITATION,
    JUSTIFICATION,
    agency_link,
    category_make,
    decision_make,
    nominate,
    panel_criteria_make,
)
from tests.conferences.review_helpers import assign, criteria_make, paper_make, reviewer_make
from tests.factories import OrganizationFactory
from tests.paper_files import DOCX_TYPE, pdf_with_javascript, uploaded, valid_docx, valid_pdf

pytestmark = pytest.mark.django_db


def test_agency_link_nominates_its_own_agency_with_a_pdf(conference):
    category = category_make()
    registration, _token, _colleague = agency_link(conference)

    nomination = nomination_create(
        conference=conference,
        category=category,
        nominee_organization=registration.organization,
        justification=JUSTIFICATION,
        upload=uploaded(valid_pdf(), name="../../hồ sơ.pdf"),
        by_registration=registration,
    )

    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED
    assert nomination.nominated_by_registration == registration
    assert nomination.nominated_by_user is None
    assert nomination.file_name == "hồ sơ.pdf"
    assert nomination.file_kind == "pdf"
    assert nomination.file.name.startswith(f"nominations/{conference.pk}/")
    assert nomination.file.name.endswith(".pdf") and "hồ" not in nomination.file.name
    assert len(nomination.file_sha256) == 64
    assert nomination.file.read()[:5] == b"%PDF-"


def test_agency_link_nominates_one_of_its_own_people(conference):
    category = category_make()
    registration, _token, colleague = agency_link(conference)

    nomination = nomination_create(
        conference=conference,
        category=category,
        nominee_person=colleague,
        justification=JUSTIFICATION,
        upload=uploaded(valid_docx(), name="ho-so.docx", content_type=DOCX_TYPE),
        by_registration=registration,
    )

    assert Nomination.objects.get().nominee_person == colleague
    assert nomination.file_kind == "docx"


def test_agency_link_cannot_nominate_another_agency(conference):
    category = category_make()
    registration, _token, _colleague = agency_link(conference, number=1)
    other = OrganizationFactory()

    with pytest.raises(ValidationError) as caught:
        nomination_create(
            conference=conference,
            category=category,
            nominee_organization=other,
            justification=JUSTIFICATION,
            by_registration=registration,
        )

    assert caught.value.message_dict == {
        "nominee_organization": ["Through your link you can nominate only your own agency."]
    }
    assert Nomination.objects.count() == 0


def test_agency_link_cannot_nominate_another_agencys_person(conference):
    category = category_make()
    registration, _token, _colleague = agency_link(conference, number=1)
    _other_registration, _other_token, stranger = agency_link(conference, number=2)

    with pytest.raises(ValidationError) as caught:
        nomination_create(
            conference=conference,
            category=category,
            nominee_person=stranger,
            justification=JUSTIFICATION,
            by_registration=registration,
        )

    assert caught.value.message_dict == {
        "nominee_person": ["Through your link you can nominate only people of your own agency."]
    }
    assert Nomination.objects.count() == 0


def test_file_failing_the_upload_checks_is_refused_and_nothing_is_stored(conference, organizer, tmp_path):
    category = category_make()
    agency = OrganizationFactory()

    with pytest.raises(ValidationError) as caught:
        nominate(conference, organizer, category, agency, upload=uploaded(pdf_with_javascript()))

    assert caught.value.message_dict == {
        "file": ["The PDF contains JavaScript; save or print it again as a plain PDF."]
    }
    assert Nomination.objects.count() == 0
    assert [p for p in tmp_path.rglob("*") if p.is_file() and "nominations" in p.parts] == []


def test_file_over_ten_megabytes_is_refused(conference, organizer):
    category = category_make()
    big = valid_pdf() + b"\n%" + b"x" * (10 * 1024 * 1024)

    with pytest.raises(ValidationError) as caught:
        nominate(conference, organizer, category, OrganizationFactory(), upload=uploaded(big))

    assert list(caught.value.message_dict) == ["file"]
    assert Nomination.objects.count() == 0


def test_nomination_after_the_deadline_is_refused(conference, organizer):
    conference.nomination_deadline = timezone.now() - datetime.timedelta(minutes=1)
    conference.save(update_fields=["nomination_deadline"])
    category = category_make()
    registration, _token, _colleague = agency_link(conference)

    with pytest.raises(ValidationError) as caught:
        nomination_create(
            conference=conference,
            category=category,
            nominee_organization=registration.organization,
            justification=JUSTIFICATION,
            by_registration=registration,
        )

    assert caught.value.message_dict == {"__all__": ["The deadline for award nominations has passed."]}
    assert Nomination.objects.count() == 0


def test_nomination_before_the_deadline_is_accepted(conference, organizer):
    conference.nomination_deadline = timezone.now() + datetime.timedelta(days=1)
    conference.save(update_fields=["nomination_deadline"])

    nominate(conference, organizer, category_make(), OrganizationFactory())

    assert Nomination.objects.count() == 1


def test_same_nominee_and_category_twice_is_refused_until_withdrawn(conference, organizer):
    category = category_make()
    agency = OrganizationFactory()
    first = nominate(conference, organizer, category, agency)

    with pytest.raises(ValidationError) as caught:
        nominate(conference, organizer, category, agency)
    assert caught.value.message_dict == {"__all__": ["This agency is already nominated for this award."]}

    nomination_withdraw(nomination=first, by_user=organizer)
    again = nominate(conference, organizer, category, agency)
    assert again.pk != first.pk
    assert Nomination.objects.filter(status="submitted").count() == 1


def test_both_or_no_nominee_is_refused(conference, organizer):
    with pytest.raises(ValidationError) as caught:
        nomination_create(
            conference=conference, category=category_make(), justification=JUSTIFICATION, by_user=organizer
        )
    assert caught.value.message_dict == {
        "nominee_organization": ["Nominate exactly one: an agency or a person."]
    }


def test_overlong_justification_is_refused(conference, organizer):
    with pytest.raises(ValidationError) as caught:
        nominate(conference, organizer, category_make(), OrganizationFactory(), justification="a" * 5001)
    assert caught.value.message_dict == {"justification": ["Keep the justification within 5000 characters."]}


def test_another_link_cannot_withdraw(conference):
    category = category_make()
    registration, _t, _c = agency_link(conference, 1)
    other, _t2, _c2 = agency_link(conference, 2)
    nomination = nomination_create(
        conference=conference,
        category=category,
        nominee_organization=registration.organization,
        justification=JUSTIFICATION,
        by_registration=registration,
    )

    with pytest.raises(ApplicationError):
        nomination_withdraw(nomination=nomination, by_registration=other)
    nomination_withdraw(nomination=nomination, by_registration=registration)

    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.WITHDRAWN


# The panel -----------------------------------------------------------------------------------------


def test_panel_member_saves_a_draft_then_submits(conference, organizer):
    panel_criteria_make(conference)
    reviewer = reviewer_make(conference)
    nomination = nominate(conference, organizer, category_make(), OrganizationFactory())

    draft = nomination_score_save(
        nomination=nomination, reviewer=reviewer, scores={"thanh-tich": 8}, submit=False
    )
    assert draft.status == NominationScore.Status.DRAFT
    with pytest.raises(ValidationError) as caught:
        nomination_score_save(nomination=nomination, reviewer=reviewer, scores={"thanh-tich": 8}, submit=True)
    assert caught.value.message_dict == {"scores": ["anh-huong: This score is required."]}

    nomination_score_save(
        nomination=nomination,
        reviewer=reviewer,
        scores={"thanh-tich": 8, "anh-huong": 5},
        comment="Tốt",
        submit=True,
    )

    score = NominationScore.objects.get()
    assert score.status == NominationScore.Status.SUBMITTED
    assert score.scores == {"thanh-tich": 8, "anh-huong": 5}
    assert score.comment == "Tốt"
    assert score.submitted_at is not None


def test_scores_out_of_range_are_refused(conference, organizer):
    panel_criteria_make(conference)
    reviewer = reviewer_make(conference)
    nomination = nominate(conference, organizer, category_make(), OrganizationFactory())

    with pytest.raises(ValidationError) as caught:
        nomination_score_save(
            nomination=nomination,
            reviewer=reviewer,
            scores={"thanh-tich": 11, "anh-huong": -1, "khac": 1},
            submit=True,
        )

    assert caught.value.message_dict == {
        "scores": [
            "thanh-tich: Enter a whole number from 0 to 10.",
            "anh-huong: Enter a whole number from 0 to 5.",
            "khac: Unknown criterion.",
        ]
    }
    assert NominationScore.objects.count() == 0


def test_paper_criteria_are_not_nomination_criteria(conference, organizer):
    criteria_make(conference)  # Paper criteria "noi-dung", "trinh-bay".
    panel_criteria_make(conference)
    reviewer = reviewer_make(conference)
    nomination = nominate(conference, organizer, category_make(), OrganizationFactory())

    with pytest.raises(ValidationError) as caught:
        nomination_score_save(nomination=nomination, reviewer=reviewer, scores={"noi-dung": 5}, submit=False)

    assert caught.value.message_dict == {"scores": ["noi-dung: Unknown criterion."]}


def test_non_reviewer_cannot_score(conference, organizer):
    panel_criteria_make(conference)
    nomination = nominate(conference, organizer, category_make(), OrganizationFactory())

    with pytest.raises(ApplicationError) as caught:
        nomination_score_save(
            nomination=nomination, reviewer=organizer, scores={"thanh-tich": 1, "anh-huong": 1}, submit=True
        )

    assert caught.value.message == "Only the conference's reviewers sit on the evaluation panel."
    assert NominationScore.objects.count() == 0


def test_reviewer_of_another_conference_cannot_score(conference, organizer, host):
    from tests.factories import conference_build

    other = conference_build(host, slug="hoi-nghi-khac")
    panel_criteria_make(conference)
    outsider = reviewer_make(other)
    nomination = nominate(conference, organizer, category_make(), OrganizationFactory())

    with pytest.raises(ApplicationError):
        nomination_score_save(nomination=nomination, reviewer=outsider, scores={}, submit=False)


def test_panel_member_cannot_score_their_own_agencys_nomination(conference, organizer):
    panel_criteria_make(conference)
    agency = OrganizationFactory()
    insider = reviewer_make(conference, organization=agency)
    of_agency = nominate(conference, organizer, category_make(), agency)
    of_its_person = nomination_create(
        conference=conference,
        category=category_make("giay-khen"),
        nominee_person=person_create(full_name="Lê Văn Cán Bộ", organization=agency),
        justification=JUSTIFICATION,
        by_user=organizer,
    )

    for nomination in (of_agency, of_its_person):
        with pytest.raises(ApplicationError) as caught:
            nomination_score_save(nomination=nomination, reviewer=insider, scores={}, submit=False)
        assert caught.value.message == "A panel member cannot score a nomination of their own agency."
    assert NominationScore.objects.count() == 0
    assert nominations_for_panel(conference=conference, reviewer=insider) == []


def test_panel_member_cannot_score_an_agency_they_declared_a_conflict_with(conference, organizer):
    panel_criteria_make(conference)
    agency, other = OrganizationFactory(), OrganizationFactory()
    member = reviewer_make(conference, organization=OrganizationFactory())
    ReviewerConflict.objects.create(conference=conference, reviewer=member, organization=agency)
    barred = nominate(conference, organizer, category_make(), agency)
    allowed = nominate(conference, organizer, barred.category, other)

    with pytest.raises(ApplicationError) as caught:
        nomination_score_save(nomination=barred, reviewer=member, scores={}, submit=False)
    nomination_score_save(nomination=allowed, reviewer=member, scores={"thanh-tich": 3}, submit=False)

    assert caught.value.message == "The panel member declared a conflict with this nomination's agency."
    assert [n.pk for n, _score in nominations_for_panel(conference=conference, reviewer=member)] == [
        allowed.pk
    ]
    assert list(NominationScore.objects.values_list("nomination_id", flat=True)) == [allowed.pk]


def test_panel_member_cannot_score_their_own_nomination(conference, organizer):
    panel_criteria_make(conference)
    member = reviewer_make(conference)  # No agency: only the person rule can bar them.
    nomination = nomination_create(
        conference=conference,
        category=category_make(),
        nominee_person=Person.objects.get(user=member),
        justification=JUSTIFICATION,
        by_user=organizer,
    )

    with pytest.raises(ApplicationError) as caught:
        nomination_score_save(nomination=nomination, reviewer=member, scores={}, submit=False)

    assert caught.value.message == "A panel member cannot score their own nomination."
    assert nominations_for_panel(conference=conference, reviewer=member) == []


def test_ranking_orders_by_weighted_mean_of_submitted_scores(conference, organizer):
    panel_criteria_make(conference)
    one, two = reviewer_make(conference), reviewer_make(conference)
    category = category_make()
    low = nominate(conference, organizer, category, OrganizationFactory())
    high = nominate(conference, organizer, category, OrganizationFactory())
    unscored = nominate(conference, organizer, category, OrganizationFactory())
    # (3*10/10 + 1*5/5) / 4 = 100; (3*6/10 + 1*1/5) / 4 = 50
    nomination_score_save(
        nomination=high, reviewer=one, scores={"thanh-tich": 10, "anh-huong": 5}, submit=True
    )
    nomination_score_save(
        nomination=high, reviewer=two, scores={"thanh-tich": 6, "anh-huong": 1}, submit=True
    )
    nomination_score_save(nomination=low, reviewer=one, scores={"thanh-tich": 2, "anh-huong": 0}, submit=True)
    nomination_score_save(nomination=unscored, reviewer=two, scores={"thanh-tich": 10}, submit=False)

    ranking = nominations_ranking(conference)

    assert [(r.nomination.pk, r.mean, r.scores, r.submitted, r.drafts) for r in ranking] == [
        (high.pk, 75.0, (100.0, 50.0), 2, 0),
        (low.pk, 15.0, (15.0,), 1, 0),
        (unscored.pk, None, (), 0, 1),
    ]


def test_ranking_queries_are_bounded(conference, organizer, django_assert_max_num_queries):
    panel_criteria_make(conference)
    reviewers = [reviewer_make(conference) for _ in range(3)]
    category = category_make()
    for _ in range(12):
        nomination = nominate(conference, organizer, category, OrganizationFactory())
        for reviewer in reviewers:
            nomination_score_save(
                nomination=nomination,
                reviewer=reviewer,
                scores={"thanh-tich": 5, "anh-huong": 3},
                submit=True,
            )

    with django_assert_max_num_queries(3):
        ranking = nominations_ranking(conference)
        names = [r.nomination.nominee_name + r.nomination.category.name_vi for r in ranking]

    assert len(names) == 12


def test_nomination_criteria_never_change_a_papers_weighted_score(conference):
    criteria_make(conference)
    reviewer = reviewer_make(conference)
    paper = paper_make(conference)
    assign(paper, reviewer)
    Review.objects.create(
        paper=paper,
        reviewer=reviewer,
        scores={"noi-dung": 10, "trinh-bay": 0},
        status=Review.Status.SUBMITTED,
    )
    before = review_figures(conference_id=conference.pk, margin=30)[paper.pk]

    panel_criteria_make(conference)
    # Same code as a paper criterion, of the panel: allowed, and still ignored by papers.
    ReviewCriterion.objects.create(
        conference=conference, target="nomination", code="noi-dung", label="Nội dung", max_score=1, weight=100
    )
    after = review_figures(conference_id=conference.pk, margin=30)[paper.pk]

    assert before[3] == 66.67  # (2*10/10 + 1*0/5) / 3
    assert after == before


# Approval ------------------------------------------------------------------------------------------


def test_approve_makes_awards_on_the_decision_with_citations(conference, organizer):
    category = category_make()
    decision = decision_make(conference)
    agency = OrganizationFactory(name="Sở Khoa học và Công nghệ tỉnh Quảng Ninh")
    registration, _t, colleague = agency_link(conference)
    first = nominate(conference, organizer, category, agency)
    second = nomination_create(
        conference=conference,
        category=category,
        nominee_person=colleague,
        justification=JUSTIFICATION,
        by_registration=registration,
    )

    nominations_approve(
        conference=conference,
        nomination_ids=[first.pk, second.pk],
        decision=decision,
        citation_default=CITATION,
        citations={second.pk: "Đã có thành tích xuất sắc trong chuyển đổi sang TCVN ISO 9001:2015"},
        user=organizer,
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("approved", "approved")
    assert first.decided_by == organizer
    awards = list(Award.objects.filter(decision=decision).order_by("ceremony_order"))
    assert [
        (a.pk, a.recipient_organization_id, a.recipient_person_id, a.citation, a.ceremony_order)
        for a in awards
    ] == [
        (first.award_id, agency.pk, None, CITATION, 1),
        (
            second.award_id,
            None,
            colleague.pk,
            "Đã có thành tích xuất sắc trong chuyển đổi sang TCVN ISO 9001:2015",
            2,
        ),
    ]
    pdf = render_award_decision(award_decision_get(conference=conference, pk=decision.pk))
    annex = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages[1:])
    assert "Sở Khoa học và Công nghệ tỉnh Quảng Ninh" in annex
    assert colleague.full_name in annex
    assert "chuyển đổi sang TCVN ISO 9001:2015" in annex


def test_approve_is_all_or_nothing(conference, organizer):
    category = category_make()
    decision = decision_make(conference)
    good = nominate(conference, organizer, category, OrganizationFactory())
    rejected = nominate(conference, organizer, category, OrganizationFactory())
    nomination_reject(nomination=rejected, user=organizer)

    with pytest.raises(ValidationError) as caught:
        nominations_approve(
            conference=conference,
            nomination_ids=[good.pk, rejected.pk],
            decision=decision,
            citation_default=CITATION,
            user=organizer,
        )

    assert caught.value.message_dict == {
        "nominations": [f"Nomination {rejected.pk} is already decided or withdrawn."]
    }
    good.refresh_from_db()
    assert good.status == "submitted" and good.award_id is None
    assert Award.objects.count() == 0


def test_approve_refuses_another_conferences_decision(conference, organizer, host):
    from tests.factories import conference_build

    other = conference_build(host, slug="hoi-nghi-khac")
    decision = decision_make(other)
    nomination = nominate(conference, organizer, category_make(), OrganizationFactory())

    with pytest.raises(ValidationError) as caught:
        nominations_approve(
            conference=conference,
            nomination_ids=[nomination.pk],
            decision=decision,
            citation_default=CITATION,
            user=organizer,
        )

    assert caught.value.message_dict == {"decision": ["Choose a decision of this conference."]}
    assert Award.objects.count() == 0


def test_scores_cannot_change_once_approved(conference, organizer):
    panel_criteria_make(conference)
    reviewer = reviewer_make(conference)
    nomination = nominate(conference, organizer, category_make(), OrganizationFactory())
    nominations_approve(
        conference=conference,
        nomination_ids=[nomination.pk],
        decision=decision_make(conference),
        citation_default=CITATION,
        user=organizer,
    )

    with pytest.raises(ApplicationError):
        nomination_score_save(nomination=nomination, reviewer=reviewer, scores={}, submit=False)


# The panel's criteria ----------------------------------------------------------------------------------

PANEL_ROWS = [
    {"code": "thanh-tich", "label": "Thành tích", "max_score": 10, "weight": 3},
    {"code": "anh-huong", "label": "Ảnh hưởng", "max_score": 5, "weight": 1},
]


def test_nomination_criteria_replace_sets_the_panels_criteria_and_leaves_the_papers(conference):
    criteria_make(conference)  # Paper criteria "noi-dung", "trinh-bay".

    nomination_criteria_replace(conference=conference, rows=PANEL_ROWS)

    panel = ReviewCriterion.objects.filter(conference=conference, target=ReviewCriterion.Target.NOMINATION)
    assert list(panel.order_by("position").values_list("code", "label", "max_score", "weight")) == [
        ("thanh-tich", "Thành tích", 10, 3),
        ("anh-huong", "Ảnh hưởng", 5, 1),
    ]
    papers = ReviewCriterion.objects.filter(conference=conference, target=ReviewCriterion.Target.PAPER)
    assert sorted(papers.values_list("code", flat=True)) == ["noi-dung", "trinh-bay"]


def test_nomination_criteria_scored_by_the_panel_cannot_be_removed_or_rescaled(conference, organizer):
    nomination_criteria_replace(conference=conference, rows=PANEL_ROWS)
    reviewer = reviewer_make(conference)
    nomination = nominate(conference, organizer, category_make(), OrganizationFactory())
    nomination_score_save(nomination=nomination, reviewer=reviewer, scores={"thanh-tich": 7}, submit=False)

    with pytest.raises(ValidationError) as removed:
        nomination_criteria_replace(conference=conference, rows=PANEL_ROWS[1:])
    with pytest.raises(ValidationError) as rescaled:
        nomination_criteria_replace(conference=conference, rows=[{**PANEL_ROWS[0], "max_score": 20}])
    changed = nomination_criteria_replace(
        conference=conference, rows=[{**PANEL_ROWS[0], "label": "Thành tích nổi bật", "weight": 2}]
    )

    assert removed.value.message_dict == {
        "criteria": ["Reviews already score “thanh-tich”: that criterion cannot be removed."]
    }
    assert rescaled.value.message_dict == {
        "criteria": ["Reviews already score “thanh-tich”: its maximum score cannot change."]
    }
    assert changed["removed"] == ["anh-huong"]
    assert [(c.code, c.label, c.weight) for c in nomination_criteria(conference)] == [
        ("thanh-tich", "Thành tích nổi bật", 2)
    ]


def test_nomination_criteria_are_validated_like_the_papers(conference):
    with pytest.raises(ValidationError) as caught:
        nomination_criteria_replace(
            conference=conference,
            rows=[{"code": "a", "label": "A", "max_score": 0, "weight": 1}, {"code": "", "label": "B"}],
        )

    assert caught.value.message_dict == {
        "criteria": [
            "Criterion 1: the maximum score is a whole number from 1 to 1000.",
            "Criterion 2: give a code and a label.",
        ]
    }
    assert ReviewCriterion.objects.count() == 0
