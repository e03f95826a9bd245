"""Papers: a delegate's submission, edits (each a new revision) and withdrawal; decisions and reviews."""

import dataclasses
import datetime
import functools
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.enums import NoticeKind
from conferences.models import (
    CallForPapers,
    Organization,
    Paper,
    PaperAuthor,
    PaperRevision,
    PaperTopic,
    Person,
    Registration,
)
from conferences.selectors.papers import call_for_papers_get, call_state, paper_edit_state
from conferences.services.common import validated_save
from conferences.services.notices import conference_notify, person_recipient

# Decisions live in paper_decisions; callers that import them from here keep working.
from conferences.services.paper_decisions import paper_decide, paper_decide_many  # noqa: F401
from conferences.services.rsvp import delegate_notice_url
from conferences.services.uploads import stored_files_removed_on_error, upload_inspect, upload_store
from core.exceptions import ApplicationError
from core.text import fold, nfc

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class AuthorInput:
    """An author as the submitter types them; `email` finds a person already known."""

    full_name: str
    organization: Organization | None = None
    email: str = ""
    position: str = ""


@dataclasses.dataclass
class _Content:
    title: str
    abstract: str
    body: str
    topic: PaperTopic | None
    authors: list[AuthorInput]
    presenter_index: int


def paper_submit(
    *,
    registration: Registration,
    title: str,
    abstract: str,
    topic: PaperTopic | None,
    authors: list[AuthorInput],
    presenter_index: int,
    body: str = "",
    upload: UploadedFile | None = None,
    user=None,
    now: datetime.datetime | None = None,
) -> Paper:
    """A delegate's link sends a paper: Paper, ordered authors and revision 1, or nothing at all.

    The upload is judged before anything is written; the call's times and the
    one-paper-per-link rule are checked under the call's row lock, so a submission
    racing the deadline, or a second tab, is either wholly in or refused.
    """
    conference = registration.conference
    call = call_for_papers_get(conference)
    content = _content_clean(
        call=call,
        title=title,
        abstract=abstract,
        body=body,
        topic=topic,
        authors=authors,
        presenter_index=presenter_index,
        has_file=upload is not None,
    )
    _eligibility_check(call=call, registration=registration)
    inspected = _inspect(upload, call)

    def write() -> Paper:
        locked = _call_locked(call)
        state = call_state(locked, now)
        if not state.is_open:
            raise ValidationError({"__all__": state.message})
        if Paper.objects.filter(registration=registration).exclude(status=Paper.Status.WITHDRAWN).exists():
            raise ValidationError(
                {"__all__": _("A paper has already been sent through this link; edit it instead.")}
            )
        moment = now or timezone.now()
        paper = Paper(
            conference=conference,
            invitation=registration.invitation,
            registration=registration,
            presenting_organization=registration.organization,
            status=Paper.Status.SUBMITTED,
            submitted_at=moment,
        )
        _apply(paper, content)
        try:
            with transaction.atomic():
                validated_save(paper, exclude=["file", "current_revision", "final_revision"])
        except IntegrityError as exc:  # The partial unique constraint: another request won.
            raise ValidationError(
                {"__all__": _("A paper has already been sent through this link; edit it instead.")}
            ) from exc
        people = _people_resolve(content.authors, current=[])
        _authorships_write(paper, people, content.presenter_index)
        _revision_write(
            paper=paper,
            number=1,
            content=content,
            people=people,
            inspected=inspected,
            upload=upload,
            previous=None,
            user=user,
        )
        return paper

    paper = _stored_atomically(write)
    transaction.on_commit(functools.partial(_send_received, paper.current_revision_id))
    return paper


def paper_edit(
    *,
    paper: Paper,
    title: str,
    abstract: str,
    topic: PaperTopic | None,
    authors: list[AuthorInput],
    presenter_index: int,
    body: str = "",
    upload: UploadedFile | None = None,
    user=None,
    now: datetime.datetime | None = None,
) -> PaperRevision:
    """A new immutable revision becomes the paper's current one; earlier revisions never change.

    Without a new file, the new revision keeps the previous revision's file (the same stored file).
    """
    call = call_for_papers_get(paper.conference)
    previous = PaperRevision.objects.filter(paper=paper).order_by("-number").first()
    content = _content_clean(
        call=call,
        title=title,
        abstract=abstract,
        body=body,
        topic=topic,
        authors=authors,
        presenter_index=presenter_index,
        has_file=upload is not None or bool(previous and previous.file),
    )
    inspected = _inspect(upload, call)

    def write() -> PaperRevision:
        locked = _call_locked(call)
        current = Paper.objects.select_for_update().select_related("conference").get(pk=paper.pk)
        state = paper_edit_state(current, locked, now)
        if not state.can_edit:
            raise ValidationError({"__all__": state.reason})
        last = PaperRevision.objects.filter(paper=current).order_by("-number").first()
        _apply(current, content)
        validated_save(current, exclude=["file", "current_revision", "final_revision"])
        people = _people_resolve(content.authors, current=list(current.authors.all()))
        PaperAuthor.objects.filter(paper=current).delete()
        _authorships_write(current, people, content.presenter_index)
        return _revision_write(
            paper=current,
            number=(last.number if last else 0) + 1,
            content=content,
            people=people,
            inspected=inspected,
            upload=upload,
            previous=last,
            user=user,
        )

    revision = _stored_atomically(write)
    paper.refresh_from_db()
    transaction.on_commit(functools.partial(_send_received, revision.pk))
    return revision


@transaction.atomic
def paper_withdraw(
    *, paper: Paper, registration: Registration | None = None, user=None, reason: str = ""
) -> Paper:
    """Withdraw a paper before its decision; every revision is kept."""
    if registration is None and user is None:
        raise ApplicationError(_("Only the submitting delegate or an organizer can withdraw a paper."))
    if registration is not None and paper.registration_id != registration.pk:
        raise ApplicationError(_("Only the delegate who sent this paper can withdraw it."))
    call = _call_locked(call_for_papers_get(paper.conference))
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    state = paper_edit_state(paper, call)
    if not state.can_withdraw:
        raise ApplicationError(state.reason or _("A decided paper can no longer be withdrawn."))
    paper.status = Paper.Status.WITHDRAWN
    paper.withdrawn_at = timezone.now()
    paper.save(update_fields=["status", "withdrawn_at", "updated_at"])
    if reason:
        logger.info("Paper %s withdrawn: %s", paper.pk, nfc(reason)[:500])
    return paper


def paper_received_notify(*, revision_id: int) -> int:
    """Write the confirmation of one revision to the outbox (once per revision); return the notices written.

    To the submitting delegate, and to the presenter when they have another e-mail address.
    """
    revision = (
        PaperRevision.objects.select_related(
            "topic", "paper__conference__host", "paper__registration__person", "paper__topic"
        )
        .filter(pk=revision_id)
        .first()
    )
    if revision is None or revision.paper.registration is None:
        return 0
    paper = revision.paper
    people = [paper.registration.person]
    presenter = PaperAuthor.objects.select_related("person").filter(paper=paper, is_presenter=True).first()
    if presenter is not None and presenter.person.email and presenter.person.email != people[0].email:
        people.append(presenter.person)
    conference = paper.conference
    personal_url = delegate_notice_url(paper.registration)
    rows = []
    # Only the submitter's confirmation carries their personal link: it can change the paper.
    for index, person in enumerate(people):
        if not person.email:
            continue
        rows += conference_notify(
            conference=conference,
            recipients=[person_recipient(person)],
            kind=NoticeKind.PAPER_RECEIVED,
            context={
                "conference": conference,
                "paper": paper,
                "revision": revision,
                "conference_url": settings.SITE_URL + conference.get_absolute_url(),
                "personal_url": personal_url if index == 0 else "",
            },
            idempotency_key=f"paper:{paper.pk}:received:{revision.number}",
            hold=False,
        )
    return len(rows)


def _send_received(revision_id: int | None) -> None:
    from conferences.tasks import send_paper_received

    if revision_id:
        send_paper_received.delay(revision_id)


# The pieces ---------------------------------------------------------------------------------------------


def _stored_atomically(write):
    """Run write() in one transaction; a file it stored is deleted again if it fails."""
    with stored_files_removed_on_error(), transaction.atomic():
        return write()


def _call_locked(call: CallForPapers) -> CallForPapers:
    """The call's row, locked, with the conference's deadline as it stands now (it is the close time)."""
    return CallForPapers.objects.select_for_update(of=("self",)).select_related("conference").get(pk=call.pk)


def _inspect(upload: UploadedFile | None, call: CallForPapers):
    if upload is None:
        return None
    return upload_inspect(upload, kinds=list(call.file_kinds), max_bytes=call.max_file_mb * 1024 * 1024)


def paper_submission_allowed(*, call: CallForPapers, registration: Registration) -> bool:
    """Whether the call's eligibility lets this delegate send a paper (what the pages show)."""
    try:
        _eligibility_check(call=call, registration=registration)
    except ApplicationError:
        return False
    return True


def _eligibility_check(*, call: CallForPapers, registration: Registration) -> None:
    if registration.status != Registration.Status.CONFIRMED:
        raise ApplicationError(_("Only a confirmed delegate can send a paper."))
    if call.eligibility == CallForPapers.Eligibility.INVITED_FOR_PAPER and not (
        registration.invitation is not None and registration.invitation.paper_requested
    ):
        raise ApplicationError(
            _("This conference takes papers only from agencies whose invitation asks for one.")
        )


def _content_clean(
    *,
    call: CallForPapers,
    title: str,
    abstract: str,
    body: str,
    topic: PaperTopic | None,
    authors: list[AuthorInput],
    presenter_index: int,
    has_file: bool,
) -> _Content:
    errors: dict[str, str] = {}
    title = nfc(title or "", multiline=False)
    abstract = nfc(abstract or "", multiline=True)
    body = nfc(body or "", multiline=True)
    if not title:
        errors["title"] = _("Give the paper a title.")
    elif len(title) > call.title_max_length:
        errors["title"] = _("The title has %(count)d characters; at most %(max)d are allowed.") % {
            "count": len(title),
            "max": call.title_max_length,
        }
    if not abstract:
        errors["abstract"] = _("Write an abstract.")
    elif len(abstract) > call.abstract_max_length:
        errors["abstract"] = _("The abstract has %(count)d characters; at most %(max)d are allowed.") % {
            "count": len(abstract),
            "max": call.abstract_max_length,
        }
    if len(body) > 200_000:
        errors["body"] = _("The body text is too long (at most 200,000 characters); send it as a file.")
    topics = list(PaperTopic.objects.filter(conference_id=call.conference_id))
    if topic is not None and topic.conference_id != call.conference_id:
        errors["topic"] = _("Choose one of this conference's topics.")
    elif topic is None and topics:
        errors["topic"] = _("Choose a topic.")
    if not body and not has_file:
        errors["body"] = _("Write the paper's text or attach a file (or both).")
    cleaned = [
        AuthorInput(
            full_name=nfc(author.full_name or "", multiline=False),
            organization=author.organization,
            email=(author.email or "").strip().lower(),
            position=nfc(author.position or "", multiline=False),
        )
        for author in authors
    ]
    cleaned = [author for author in cleaned if author.full_name or author.email]
    author_error = _authors_error(cleaned)
    if author_error:
        errors["authors"] = author_error
    elif not 0 <= presenter_index < len(cleaned):
        errors["presenter"] = _("Choose the presenter among the authors.")
    if errors:
        raise ValidationError(errors)
    return _Content(title, abstract, body, topic, cleaned, presenter_index)


def _authors_error(authors: list[AuthorInput]) -> str:
    if not authors:
        return _("A paper needs at least one author.")
    if len(authors) > 30:
        return _("A paper has at most 30 authors.")
    emails: set[str] = set()
    names: set[tuple] = set()
    for number, author in enumerate(authors, start=1):
        if not author.full_name:
            return _("Author %(n)d: give the full name.") % {"n": number}
        if len(author.full_name) > 200 or len(author.position) > 200:
            return _("Author %(n)d: the name and position have at most 200 characters each.") % {"n": number}
        if author.email:
            try:
                validate_email(author.email)
            except ValidationError:
                return _("Author %(n)d: “%(email)s” is not an e-mail address.") % {
                    "n": number,
                    "email": author.email,
                }
        key = (fold(author.full_name), author.organization.pk if author.organization else None)
        if (author.email and author.email in emails) or key in names:
            return _("%(name)s is listed twice among the authors.") % {"name": author.full_name}
        if author.email:
            emails.add(author.email)
        names.add(key)
    return ""


def _people_resolve(authors: list[AuthorInput], *, current: list[Person]) -> list[Person]:
    """Find each author's person, or make one; a known person is linked as they are, never rewritten.

    An author without an e-mail is the paper's current author of the same name and agency
    if there is one (an edit must not make a new person each time), else a new person.
    """
    by_email = {
        person.email: person
        for person in Person.objects.filter(email__in=[a.email for a in authors if a.email])
    }
    current_by_name = {(person.search_name, person.organization_id): person for person in current}
    people: list[Person] = []
    for author in authors:
        organization_id = author.organization.pk if author.organization else None
        person = by_email.get(author.email) if author.email else None
        if person is None and not author.email:
            person = current_by_name.get((fold(author.full_name), organization_id))
        if person is None:
            person = validated_save(
                Person(
                    full_name=author.full_name,
                    organization=author.organization,
                    email=author.email,
                    position=author.position,
                )
            )
        people.append(person)
    if len({person.pk for person in people}) != len(people):
        raise ValidationError({"authors": _("The same person is listed twice among the authors.")})
    return people


def _authorships_write(paper: Paper, people: list[Person], presenter_index: int) -> None:
    PaperAuthor.objects.bulk_create(
        PaperAuthor(paper=paper, person=person, order=order, is_presenter=order - 1 == presenter_index)
        for order, person in enumerate(people, start=1)
    )


def _apply(paper: Paper, content: _Content) -> None:
    paper.title, paper.abstract, paper.body, paper.topic = (
        content.title,
        content.abstract,
        content.body,
        content.topic,
    )


def _revision_write(
    *,
    paper: Paper,
    number: int,
    content: _Content,
    people: list[Person],
    inspected,
    upload: UploadedFile | None,
    previous: PaperRevision | None,
    user,
) -> PaperRevision:
    revision = PaperRevision(
        paper=paper,
        number=number,
        title=content.title,
        abstract=content.abstract,
        body=content.body,
        topic=content.topic,
        authors=[
            {
                "person": person.pk,
                "full_name": author.full_name,
                "organization": author.organization.pk if author.organization else None,
                "organization_name": author.organization.name if author.organization else "",
                "position": author.position,
                "is_presenter": index == content.presenter_index,
            }
            for index, (person, author) in enumerate(zip(people, content.authors, strict=True))
        ],
        created_by=user if user is not None and user.is_authenticated else None,
    )
    if inspected is not None:
        # Stored last, so that only the row saves below can fail after it (and then it is deleted).
        upload_store(revision=revision, upload=upload, inspected=inspected)
    elif previous is not None and previous.file:
        revision.file.name = previous.file.name
        revision.file_name, revision.file_kind = previous.file_name, previous.file_kind
        revision.file_size, revision.file_sha256 = previous.file_size, previous.file_sha256
    revision.save()
    paper.current_revision = revision
    paper.file.name = revision.file.name or ""
    paper.save(update_fields=["current_revision", "file", "updated_at"])
    return revision
