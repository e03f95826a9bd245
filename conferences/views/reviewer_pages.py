"""The reviewer's pages: accept an invitation, the assigned papers, a paper and its review form.

A reviewer sees a paper only through selectors.reviews.paper_for_reviewer, so
blind review holds on every page and download built here.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from conferences.forms.reviews import AcceptForm, ReviewForm
from conferences.models import Conference, ConferenceRole, PaperRevision, Review
from conferences.selectors.reviews import (
    call_for_papers,
    paper_for_reviewer,
    review_criteria,
    reviewer_assignment_rows,
    reviewer_conference_get,
    reviewer_conferences,
    reviews_for_reviewer,
)
from conferences.services.reviewers import (
    ReviewerLinkInvalid,
    reviewer_invitation_accept,
    reviewer_invitation_by_token,
)
from conferences.services.reviews import review_save
from conferences.views.links import guess_counted, guessing_blocked, link_invalid, too_many_guesses
from conferences.views.review_tables import reviewer_rows_html
from core.exceptions import ApplicationError

SIGN_IN = reverse_lazy("conferences:sign-in")
reviewer_required = login_required(login_url=SIGN_IN)


def _conference(request, slug: str) -> Conference:
    try:
        return reviewer_conference_get(user=request.user, slug=slug)
    except Conference.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
@reviewer_required
def reviewer_home(request):
    conferences = list(reviewer_conferences(user=request.user))
    if len(conferences) == 1:
        return redirect("conferences:reviewer-papers", slug=conferences[0].slug)
    return render(request, "conferences/reviewer/home.html", {"conferences": conferences})


@require_GET
@reviewer_required
def reviewer_papers(request, slug: str):
    conference = _conference(request, slug)
    rows = reviewer_assignment_rows(conference=conference, reviewer=request.user)
    context = {
        "conference": conference,
        "rows": rows,
        "rows_html": reviewer_rows_html(slug=conference.slug, rows=rows),
    }
    return render(request, "conferences/reviewer/papers.html", context)


@reviewer_required
def reviewer_paper(request, slug: str, pk: int):
    conference = _conference(request, slug)
    paper = paper_for_reviewer(paper_id=pk, reviewer=request.user)
    if paper is None:
        raise Http404
    criteria = review_criteria(conference)
    review = Review.objects.filter(paper_id=pk, reviewer=request.user).first()
    if request.method == "POST":
        form = ReviewForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                review_save(
                    paper=conference.papers.get(pk=pk),
                    reviewer=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    confidential_comment=form.cleaned_data["confidential_comment"],
                    recommendation=form.cleaned_data["recommendation"],
                    submit="submit" in request.POST,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                if "submit" in request.POST:
                    messages.success(request, _("Your review is submitted."))
                else:
                    messages.success(request, _("Your draft is saved."))
                return redirect("conferences:reviewer-paper", slug=slug, pk=pk)
    else:
        initial = {}
        if review:
            initial = {
                "comment": review.comment,
                "confidential_comment": review.confidential_comment,
                "recommendation": review.recommendation,
                **{f"score_{code}": value for code, value in review.scores.items()},
            }
        form = ReviewForm(initial=initial, criteria=criteria)
    others = reviews_for_reviewer(
        paper_id=pk, reviewer=request.user, blind=paper.blind, label_format=_("Reviewer %(number)s")
    )
    context = {
        "conference": conference,
        "paper": paper,
        "form": form,
        "review": review,
        "others": [(o, [(c.label, o.scores.get(c.code), c.max_score) for c in criteria]) for o in others],
        "criteria": criteria,
        "editable": paper.status in {"submitted", "under_review"},
    }
    return render(request, "conferences/reviewer/paper.html", context)


@require_GET
@reviewer_required
def reviewer_paper_file(request, slug: str, pk: int):
    """The paper's current file, scrubbed and neutrally named in blind mode."""
    from conferences.exports.paper_files import paper_file_response

    _conference(request, slug)
    paper = paper_for_reviewer(paper_id=pk, reviewer=request.user)
    if paper is None or not paper.has_file or paper.revision_id is None:
        raise Http404
    revision = PaperRevision.objects.get(pk=paper.revision_id)
    return paper_file_response(revision=revision, blind=paper.blind)


def reviewer_accept(request, token: str):
    """Accept an invitation to the team: set a password for a new account, or continue as the signed-in user.

    Reviewers and organizers are invited alike (services.team); the role decides
    the words and where the new member lands.
    """
    if guessing_blocked(request):
        return too_many_guesses(request)
    invitation = reviewer_invitation_by_token(token)
    if invitation is None:
        return link_invalid(request)
    organizer = invitation.role == ConferenceRole.Role.ORGANIZER
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signed_in = request.user if request.user.is_authenticated and "as_current" in request.POST else None
        try:
            user, created = reviewer_invitation_accept(
                token=token, password=form.cleaned_data["password1"] or None, user=signed_in
            )
        except ReviewerLinkInvalid:
            guess_counted(request)
            return link_invalid(request)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            conference = invitation.conference
            if organizer:
                landing = reverse("conferences:conference-edit", args=[conference.slug])
                done = _("You are now an organizer of %(title)s.")
                sign_in_first = _(
                    "You are now an organizer of %(title)s. Sign in with your account to run it."
                )
            else:
                landing = reverse("conferences:reviewer-papers", args=[conference.slug])
                done = _("You are now a reviewer of %(title)s.")
                sign_in_first = _(
                    "You are now a reviewer of %(title)s. Sign in with your account to see your papers."
                )
            if created or signed_in is not None:
                if created:
                    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, done % {"title": conference.title})
                return redirect(landing)
            # An account that existed already: its owner signs in with its own password.
            messages.success(request, sign_in_first % {"title": conference.title})
            return redirect(f"{SIGN_IN}?next={landing}")
    context = {
        "invitation": invitation,
        "organizer": organizer,
        "form": form,
        "call": call_for_papers(invitation.conference),
    }
    return render(request, "conferences/reviewer/accept.html", context)
