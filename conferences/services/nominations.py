"""Award nominations (đề nghị khen thưởng): sent by organizers or by an agency's delegate link,
scored by the evaluation panel (the conference's reviewers, on the criteria of target
"nomination", with the papers' scoring rules), approved into an award decision or rejected.

The deadline (Conference.nomination_deadline) is checked under a lock on the conference row,
so a nomination racing the deadline is either wholly in or refused. A supporting file goes
through the papers' upload checks before anything is written; a refused or rolled-back
nomination leaves no file behind.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import (
    AwardCategory,
    AwardDecision,
    Conference,
    ConferenceRole,
    FileKind,
    Nomination,
    NominationScore,
    Organization,
    Person,
    Registration,
    ReviewCriterion,
)
from conferences.models.nomination import JUSTIFICATION_MAX_LENGTH
from conferences.selectors.nominations import OWN_NOMINATION, nomination_conflicts, nomination_criteria
from conferences.selectors.review_conflicts import CONFLICT, OWN_AGENCY
from conferences.services.awards import award_create
from conferences.services.call_for_papers import review_criteria_replace
from conferences.services.common import validated_save
from conferences.services.nomination_notices import (
    nomination_decisions_dispatch,
    nomination_received_dispatch,
)
from conferences.services.reviews import review_scores_errors
from conferences.services.uploads import stored_files_removed_on_error, upload_inspect, upload_store
from core.exceptions import ApplicationError
from core.text import nfc
from core.uploads import MB

FILE_KINDS = (FileKind.PDF.value, FileKind.DOCX.value)
MAX_FILE_BYTES = 10 * MB


def _duplicate_message(*, organization: bool) -> str:
    if organization:
        return _("This agency is already nominated for this award.")
    return _("This person is already nominated for this award.")


def nomination_create(
    *,
    conference: Conference,
    category: AwardCategory,
    justification: str,
    nominee_organization: Organization | None = None,
    nominee_person: Person | None = None,
    upload: UploadedFile | None = None,
    by_user=None,
    by_registration: Registration | None = None,
    now: datetime.datetime | None = None,
) -> Nomination:
    """Nominate an agency or a person for an award: by an organizer (`by_user`) or an agency's link.

    An agency's link (`by_registration`) may nominate only its own agency or its own people;
    organizers anyone. The same nominee for the same category is refused while a nomination
    of them is not withdrawn.
    """
    if (by_user is None) == (by_registration is None):
        raise TypeError("nomination_create() needs exactly one of by_user and by_registration")
    if (nominee_organization is None) == (nominee_person is None):
        raise ValidationError({"nominee_organization": _("Nominate exactly one: an agency or a person.")})
    if by_registration is not None:
        if by_registration.conference_id != conference.pk:
            raise ApplicationError(_("This delegate link belongs to another conference."))
        _own_agency_check(by_registration, nominee_organization, nominee_person)
    justification = nfc(justification or "")
    errors = {}
    if not justification.strip():
        errors["justification"] = [_("Explain why the award is proposed.")]
    elif len(justification) > JUSTIFICATION_MAX_LENGTH:
        errors["justification"] = [
            _("Keep the justification within %(max)d characters.") % {"max": JUSTIFICATION_MAX_LENGTH}
        ]
    if errors:
        raise ValidationError(errors)
    # Judged before anything is written or locked: a refused file stores nothing.
    inspected = upload_inspect(upload, kinds=FILE_KINDS, max_bytes=MAX_FILE_BYTES) if upload else None

    with stored_files_removed_on_error(), transaction.atomic():
        locked = Conference.objects.select_for_update().get(pk=conference.pk)
        moment = now or timezone.now()
        if locked.nomination_deadline is not None and moment > locked.nomination_deadline:
            raise ValidationError({"__all__": _("The deadline for award nominations has passed.")})
        nomination = Nomination(
            conference=locked,
            category=category,
            nominee_organization=nominee_organization,
            nominee_person=nominee_person,
            justification=justification,
            nominated_by_user=by_user,
            nominated_by_registration=by_registration,
        )
        duplicate = Nomination.objects.filter(conference=locked, category=category).exclude(
            status=Nomination.Status.WITHDRAWN
        )
        if nominee_organization is not None:
            duplicate = duplicate.filter(nominee_organization=nominee_organization)
        else:
            duplicate = duplicate.filter(nominee_person=nominee_person)
        if duplicate.exists():
            raise ValidationError(
                {"__all__": _duplicate_message(organization=nominee_organization is not None)}
            )
        if inspected is not None:
            upload_store(revision=nomination, upload=upload, inspected=inspected)
        try:
            with transaction.atomic():
                validated_save(nomination)
        except IntegrityError as exc:  # The partial unique constraints: another request won.
            raise ValidationError(
                {"__all__": _duplicate_message(organization=nominee_organization is not None)}
            ) from exc
        nomination_received_dispatch(nomination)
    return nomination


def _own_agency_check(registration: Registration, organization, person) -> None:
    """The anonymous-link rule: an agency vouches only for itself and its own people."""
    own = registration.organization_id
    if own is None:
        raise ApplicationError(_("Only an invited agency's delegate link can nominate."))
    if organization is not None and organization.pk != own:
        raise ValidationError(
            {"nominee_organization": _("Through your link you can nominate only your own agency.")}
        )
    if person is not None and person.organization_id != own:
        raise ValidationError(
            {"nominee_person": _("Through your link you can nominate only people of your own agency.")}
        )


@transaction.atomic
def nomination_withdraw(
    *, nomination: Nomination, by_registration: Registration | None = None, by_user=None
) -> Nomination:
    """Withdraw a nomination not yet decided: the link that sent it, or an organizer (`by_user`)."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if by_registration is not None and nomination.nominated_by_registration_id != by_registration.pk:
        raise ApplicationError(_("Only the link that sent this nomination can withdraw it."))
    if nomination.status != Nomination.Status.SUBMITTED:
        raise ApplicationError(_("This nomination is already decided or withdrawn."))
    nomination.status = Nomination.Status.WITHDRAWN
    nomination.decided_at = timezone.now()
    nomination.decided_by = by_user
    nomination.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    return nomination


@transaction.atomic
def nomination_criteria_replace(*, conference: Conference, rows: list[dict]) -> dict:
    """Set the panel's criteria (code, label, max_score, weight; in order) with the papers' rules.

    Those of the call for papers' criteria: a criterion the panel has scored can be neither
    removed nor rescaled. Return what changed ({} for nothing).
    """
    locked = Conference.objects.select_for_update().get(pk=conference.pk)
    return review_criteria_replace(conference=locked, target=ReviewCriterion.Target.NOMINATION, rows=rows)


_SCORE_REFUSALS = {
    OWN_AGENCY: lambda: _("A panel member cannot score a nomination of their own agency."),
    OWN_NOMINATION: lambda: _("A panel member cannot score their own nomination."),
    CONFLICT: lambda: _("The panel member declared a conflict with this nomination's agency."),
}


@transaction.atomic
def nomination_score_save(
    *, nomination: Nomination, reviewer, scores: dict | None, comment: str = "", submit: bool
) -> NominationScore:
    """Save a panel member's scores of a nomination as a draft, or submit them (then every score is due).

    The panel is the conference's reviewers, less those the papers' agency rule bars from this
    nomination (its agency is theirs, or they declared a conflict with it). Scores are whole
    numbers from 0 to each criterion's maximum, as in paper reviews. A submitted score may be
    edited while the nomination is undecided, and stays submitted.
    """
    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("nominee_person")
        .get(pk=nomination.pk)
    )
    if not ConferenceRole.objects.filter(
        conference_id=nomination.conference_id, user=reviewer, role=ConferenceRole.Role.REVIEWER
    ).exists():
        raise ApplicationError(_("Only the conference's reviewers sit on the evaluation panel."))
    reason = nomination_conflicts(
        conference=nomination.conference, nominations=[nomination], reviewer_id=reviewer.pk
    ).get(nomination.pk)
    if reason:
        raise ApplicationError(_SCORE_REFUSALS[reason]())
    if nomination.status != Nomination.Status.SUBMITTED:
        raise ApplicationError(_("This nomination is decided or withdrawn: its scores can no longer change."))
    score = NominationScore.objects.filter(
        nomination=nomination, reviewer=reviewer
    ).first() or NominationScore(
        nomination=nomination, reviewer=reviewer, status=NominationScore.Status.DRAFT
    )
    submit = submit or score.status == NominationScore.Status.SUBMITTED
    scores = dict(scores or {})
    criteria = nomination_criteria(nomination.conference)
    if submit and not criteria:
        raise ApplicationError(_("The organizers have not set the panel's criteria yet."))
    errors = review_scores_errors(scores, criteria, complete=submit)
    if errors:
        raise ValidationError({"scores": errors})
    score.scores = scores
    score.comment = nfc(comment or "")
    if submit and score.status != NominationScore.Status.SUBMITTED:
        score.status = NominationScore.Status.SUBMITTED
        score.submitted_at = timezone.now()
    return validated_save(score)


@transaction.atomic
def nominations_approve(
    *,
    conference: Conference,
    nomination_ids: list[int],
    decision: AwardDecision,
    citation_default: str,
    user,
    citations: dict[int, str] | None = None,
) -> list[Nomination]:
    """Approve nominations into awards on an existing decision of the conference: all or nothing.

    Each becomes an Award (through award_create, in the order given) with its citation
    (`citations[id]`, else `citation_default`), and the nomination is marked approved.
    """
    ids = list(dict.fromkeys(int(pk) for pk in nomination_ids))
    if not ids:
        raise ValidationError({"nominations": _("Choose at least one nomination.")})
    if decision.conference_id != conference.pk:
        raise ValidationError({"decision": _("Choose a decision of this conference.")})
    citations = citations or {}
    nominations = {
        n.pk: n
        for n in Nomination.objects.select_for_update(of=("self",))
        .filter(conference=conference, pk__in=ids)
        .select_related("category", "nominee_organization", "nominee_person")
    }
    missing = [pk for pk in ids if pk not in nominations]
    if missing:
        raise ValidationError({"nominations": _("No such nomination: %(id)s.") % {"id": missing[0]}})
    undecided = [pk for pk in ids if nominations[pk].status != Nomination.Status.SUBMITTED]
    if undecided:
        raise ValidationError(
            {"nominations": _("Nomination %(id)s is already decided or withdrawn.") % {"id": undecided[0]}}
        )
    moment = timezone.now()
    approved = []
    for pk in ids:
        nomination = nominations[pk]
        citation = nfc(citations.get(pk) or citation_default or "").strip()
        if not citation:
            raise ValidationError({"citation_default": _("Write the citation printed with the award.")})
        award = award_create(
            decision=decision,
            category=nomination.category,
            citation=citation,
            recipient_organization=nomination.nominee_organization,
            recipient_person=nomination.nominee_person,
        )
        nomination.award = award
        nomination.status = Nomination.Status.APPROVED
        nomination.decided_at, nomination.decided_by = moment, user
        nomination.save(update_fields=["award", "status", "decided_at", "decided_by", "updated_at"])
        approved.append(nomination)
    nomination_decisions_dispatch(approved)
    return approved


@transaction.atomic
def nomination_reject(*, nomination: Nomination, user) -> Nomination:
    """Reject a nomination not yet decided."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != Nomination.Status.SUBMITTED:
        raise ApplicationError(_("This nomination is already decided or withdrawn."))
    nomination.status = Nomination.Status.REJECTED
    nomination.decided_at, nomination.decided_by = timezone.now(), user
    nomination.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    nomination_decisions_dispatch([nomination])
    return nomination
