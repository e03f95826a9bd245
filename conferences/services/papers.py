from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import (
    Conference,
    Organization,
    Paper,
    PaperAuthor,
    PaperRevision,
    Person,
)
from conferences.services.common import validated_save

# Decisions moved to paper_decisions; the other paper services' callers keep importing them from here.
from conferences.services.paper_decisions import paper_decide, paper_decide_many  # noqa: F401
from core.exceptions import ApplicationError
from core.text import nfc


@transaction.atomic
def paper_submit(
    *,
    conference: Conference,
    title: str,
    authors: list[Person],
    abstract: str = "",
    body: str = "",
    presenting_organization: Organization | None = None,
    presenter: Person | None = None,
    invitation=None,
    user=None,
) -> Paper:
    """Create a submitted paper with its ordered authors and its first revision."""
    if not authors:
        raise ValidationError({"authors": _("A paper needs at least one author.")})
    if len({a.pk for a in authors}) != len(authors):
        raise ValidationError({"authors": _("An author is listed twice.")})
    if presenter is not None and presenter not in authors:
        raise ValidationError({"presenter": _("The presenter must be one of the authors.")})
    paper = validated_save(
        Paper(
            conference=conference,
            invitation=invitation,
            title=nfc(title),
            abstract=abstract,
            body=body,
            presenting_organization=presenting_organization,
            status=Paper.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
    )
    PaperAuthor.objects.bulk_create(
        PaperAuthor(paper=paper, person=person, order=order, is_presenter=person == presenter)
        for order, person in enumerate(authors, start=1)
    )
    PaperRevision.objects.create(
        paper=paper, number=1, title=paper.title, abstract=paper.abstract, body=paper.body, created_by=user
    )
    return paper


@transaction.atomic
def paper_revise(*, paper: Paper, title: str, abstract: str = "", body: str = "", user=None) -> PaperRevision:
    """Store a new revision and make it the paper's current text; earlier ones are kept."""
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    if paper.status in {Paper.Status.ACCEPTED, Paper.Status.REJECTED, Paper.Status.WITHDRAWN}:
        raise ApplicationError(_("A decided or withdrawn paper cannot be revised."))
    last = paper.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    paper.title, paper.abstract, paper.body = nfc(title), abstract, body
    if paper.status == Paper.Status.REVISION_REQUESTED:
        paper.status = Paper.Status.SUBMITTED
    validated_save(paper)
    return PaperRevision.objects.create(
        paper=paper, number=last + 1, title=paper.title, abstract=abstract, body=body, created_by=user
    )
