"""Organizer pages of the review: reviewers, assignments, the ranking table, a paper, decisions."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from conferences.forms.reviews import (
    DECISIONS,
    AssignForm,
    ConflictForm,
    DecisionForm,
    RankingFilterForm,
    ReviewerInviteForm,
)
from conferences.models import Organization, Paper, PaperFigure, PaperRevision, ReviewerInvitation
from conferences.selectors.proceedings import paper_figures
from conferences.selectors.review_stats import paper_review_stats
from conferences.selectors.reviews import (
    call_for_papers,
    open_reviewer_invitations,
    paper_for_organizer,
    paper_ids_matching,
    paper_ranking,
    review_criteria,
    reviewer_rows,
)
from conferences.services.papers import paper_decide_many
from conferences.services.review_assignment import (
    OPEN_STATUSES,
    review_assign_many,
    review_auto_assign,
    review_unassign,
)
from conferences.services.reviewers import (
    reviewer_conflict_add,
    reviewer_conflict_remove,
    reviewer_invitation_resend,
    reviewer_invitation_revoke,
    reviewer_invite,
    reviewer_remove,
)
from conferences.views.access import organized_conference
from conferences.views.review_tables import ranking_rows_html
from core.exceptions import ApplicationError
from core.http import safe_next_url

MANAGE_REVIEW = gettext_lazy("Only the organizers of this conference can manage its review.")


def flash_errors(request, exc) -> None:
    """A service's refusal as error messages on the next page."""
    for message in exc.messages if isinstance(exc, ValidationError) else [exc.message]:
        messages.error(request, message)


def _back(request, conference, name: str) -> str:
    return safe_next_url(request, request.POST.get("next"), reverse(name, kwargs={"slug": conference.slug}))


def _reviewer(conference, user_id):
    return get_object_or_404(get_user_model(), pk=user_id, conference_roles__conference=conference)


# Reviewers -------------------------------------------------------------------------------


@login_required
def reviewers(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_REVIEW)
    rows = reviewer_rows(conference=conference)
    invite_form = ReviewerInviteForm(request.POST if "invite" in request.POST else None)
    if request.method == "POST" and invite_form.is_valid():
        try:
            invitation = reviewer_invite(
                conference=conference, invited_by=request.user, **invite_form.cleaned_data
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(
                request, _("An invitation is on its way to %(email)s.") % {"email": invitation.email}
            )
            return redirect("conferences:organizer-reviewers", slug=slug)
    context = {
        "conference": conference,
        "rows": rows,
        "invitations": open_reviewer_invitations(conference=conference),
        "invite_form": invite_form,
        "conflict_form": ConflictForm(reviewers=rows),
    }
    return render(request, "conferences/organizer/reviewers.html", context)


@require_POST
@login_required
def reviewer_invitation_action(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_REVIEW)
    invitation_act(request, get_object_or_404(ReviewerInvitation, conference=conference, pk=pk))
    return redirect("conferences:organizer-reviewers", slug=slug)


def invitation_act(request, invitation: ReviewerInvitation) -> None:
    """Revoke a team invitation (reviewer or organizer) or send it again, as the form's button says."""
    try:
        if request.POST.get("action") == "revoke":
            reviewer_invitation_revoke(invitation=invitation)
            messages.success(request, _("The invitation is revoked."))
        else:
            reviewer_invitation_resend(invitation=invitation)
            messages.success(
                request, _("A new link is on its way to %(email)s.") % {"email": invitation.email}
            )
    except ApplicationError as exc:
        flash_errors(request, exc)


@require_POST
@login_required
def reviewer_remove_view(request, slug: str, user_id: int):
    conference = organized_conference(request, slug, MANAGE_REVIEW)
    try:
        dropped = reviewer_remove(conference=conference, reviewer=_reviewer(conference, user_id))
    except ApplicationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            ngettext(
                "Reviewer removed; %(count)s open assignment dropped, submitted reviews kept.",
                "Reviewer removed; %(count)s open assignments dropped, submitted reviews kept.",
                dropped,
            )
            % {"count": dropped},
        )
    return redirect("conferences:organizer-reviewers", slug=slug)


@require_POST
@login_required
def reviewer_conflict_view(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_REVIEW)
    if request.POST.get("action") == "remove":
        try:
            reviewer_conflict_remove(
                conference=conference,
                reviewer=_reviewer(conference, request.POST.get("reviewer")),
                organization=get_object_or_404(Organization, pk=request.POST.get("organization")),
            )
        except (ApplicationError, ValueError) as exc:
            flash_errors(request, exc)
        return redirect("conferences:organizer-reviewers", slug=slug)
    form = ConflictForm(request.POST, reviewers=reviewer_rows(conference=conference))
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("conferences:organizer-reviewers", slug=slug)
    try:
        _conflict, dropped = reviewer_conflict_add(
            conference=conference,
            reviewer=_reviewer(conference, form.cleaned_data["reviewer"]),
            organization=form.cleaned_data["organization"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request, _("The conflict is recorded; %(count)s open assignment(s) dropped.") % {"count": dropped}
        )
    return redirect("conferences:organizer-reviewers", slug=slug)


# Assignments -----------------------------------------------------------------------------

ASSIGNMENTS_PAGE_SIZE = 100


@login_required
def assignments(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_REVIEW)
    papers = (
        Paper.objects.filter(conference=conference, status__in=OPEN_STATUSES)
        .select_related("presenting_organization")
        .prefetch_related("review_assignments")
        .order_by("pk")
    )
    page = Paginator(papers, ASSIGNMENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = reviewer_rows(conference=conference)
    names = {r.user_id: r.name for r in rows}
    table = [
        (paper, [(a.reviewer_id, names.get(a.reviewer_id, "?")) for a in paper.review_assignments.all()])
        for paper in page.object_list
    ]
    context = {
        "conference": conference,
        "table": table,
        "page_obj": page,
        "reviewers": rows,
        "call": call_for_papers(conference),
        "result": request.session.pop("auto_assign_result", None),
    }
    return render(request, "conferences/organizer/assignments.html", context)


@require_POST
@login_required
def assignments_action(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_REVIEW)
    back = _back(request, conference, "conferences:organizer-assignments")
    action = request.POST.get("action")
    try:
        if action == "auto":
            result = review_auto_assign(conference=conference, assigned_by=request.user)
            request.session["auto_assign_result"] = {
                "created": result.created,
                "papers": result.papers,
                "complete": result.complete,
                "short": [
                    {"title": s.title, "assigned": s.assigned, "needed": s.needed, "reason": s.reason}
                    for s in result.short
                ],
            }
        elif action == "unassign":
            paper = get_object_or_404(Paper, conference=conference, pk=request.POST.get("paper"))
            review_unassign(paper=paper, reviewer=_reviewer(conference, request.POST.get("reviewer")))
            messages.success(request, _("The assignment is removed."))
        else:
            form = AssignForm(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    for message in errors:
                        messages.error(request, message)
                return redirect(back)
            made = review_assign_many(
                conference=conference,
                paper_ids=form.cleaned_data["papers"],
                reviewer_ids=form.cleaned_data["reviewers"],
                assigned_by=request.user,
            )
            messages.success(request, _("%(count)s assignment(s) made.") % {"count": len(made)})
    except (ValidationError, ApplicationError) as exc:
        flash_errors(request, exc)
    return redirect(back)


# The ranking table, a paper, decisions ---------------------------------------------------


@require_GET
@login_required
def ranking(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_REVIEW)
    form = RankingFilterForm(request.GET or None, conference=conference)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paper_ranking(
        conference=conference,
        status=filters.get("status", ""),
        topic=filters["topic"].pk if filters.get("topic") else None,
        disagreement=filters.get("disagreement", False),
        incomplete=filters.get("incomplete", False),
        q=filters.get("q", ""),
        sort=filters.get("sort") or "-mean",
        page=request.GET.get("page"),
    )
    context = {
        "conference": conference,
        "form": form,
        "page_obj": page,
        "rows_html": ranking_rows_html(slug=conference.slug, rows=page.object_list),
        "decisions": DECISIONS,
        "sort": filters.get("sort") or "-mean",
        # The filters in force, sent again by "decide all that match" beside the decision.
        "filter_fields": form.filter_fields(prefix=DecisionForm.FILTER_PREFIX),
    }
    return render(request, "conferences/organizer/papers.html", context)


@login_required
def paper_detail(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_REVIEW)
    paper = paper_for_organizer(conference=conference, pk=pk)
    if paper is None:
        raise Http404
    call = call_for_papers(conference)
    stats = paper_review_stats(
        conference_id=conference.pk, paper_ids=[paper.pk], margin=call.disagreement_margin
    )
    assigned = {a.reviewer_id for a in paper.review_assignments.all()}
    context = {
        "conference": conference,
        "paper": paper,
        "stats": stats[paper.pk],
        "criteria": review_criteria(conference),
        "reviewers": [r for r in reviewer_rows(conference=conference) if r.user_id not in assigned],
        "decisions": DECISIONS,
        "figures": paper_figures(paper),
    }
    return render(request, "conferences/organizer/paper_detail.html", context)


@require_GET
@login_required
def paper_revision_file(request, slug: str, pk: int, number: int):
    """A revision's file as sent, for the organizers (not blind)."""
    from conferences.exports.paper_files import paper_file_response

    conference = organized_conference(request, slug, MANAGE_REVIEW)
    revision = get_object_or_404(PaperRevision, paper__conference=conference, paper_id=pk, number=number)
    if not revision.file:
        raise Http404
    return paper_file_response(revision=revision, blind=False)


@require_GET
@login_required
def paper_figure_image(request, slug: str, pk: int, figure_id: int):
    """A figure the paper prints with in the proceedings, for the organizers."""
    from conferences.exports.paper_files import figure_image_response

    conference = organized_conference(request, slug, MANAGE_REVIEW)
    return figure_image_response(
        get_object_or_404(PaperFigure, paper__conference=conference, paper_id=pk, pk=figure_id)
    )


@require_POST
@login_required
def papers_decide(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_REVIEW)
    back = _back(request, conference, "conferences:organizer-papers")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(back)
    filters = None
    if form.cleaned_data["all_matching"]:
        filter_form = RankingFilterForm(
            request.POST, conference=conference, prefix=DecisionForm.FILTER_PREFIX
        )
        if not filter_form.is_valid():
            messages.error(request, _("The filter is not valid; filter the list again and retry."))
            return redirect(back)
        filters = filter_form.selector_filters()
        if not form.cleaned_data["confirmed"]:
            return _decide_confirm(request, conference, form.cleaned_data["status"], filter_form, back)
    try:
        decided = paper_decide_many(
            conference=conference,
            paper_ids=form.cleaned_data["ids"] if filters is None else None,
            filters=filters,
            status=form.cleaned_data["status"],
            user=request.user,
        )
    except (ValidationError, ApplicationError) as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s paper decided; its notice waits for approval in the outbox.",
                "%(count)s papers decided; their notices wait for approval in the outbox.",
                len(decided),
            )
            % {"count": len(decided)},
        )
    return redirect(back)


def _decide_confirm(request, conference, status: str, filter_form, back: str):
    """How many papers "all that match" would decide, counted now, before they are."""
    count = len(paper_ids_matching(conference=conference, **filter_form.selector_filters()))
    decision = dict(DECISIONS).get(status, status)
    return render(
        request,
        "conferences/organizer/bulk_confirm.html",
        {
            "conference": conference,
            "title": _("Decide all matching papers"),
            "question": ngettext(
                "Record “%(decision)s” for %(count)d paper that matches the filter? Its notice waits "
                "for approval in the outbox.",
                "Record “%(decision)s” for all %(count)d papers that match the filter? Their notices wait "
                "for approval in the outbox.",
                count,
            )
            % {"count": count, "decision": decision},
            "count": count,
            "action_url": request.path,
            "fields": [
                *filter_form.filter_fields(prefix=DecisionForm.FILTER_PREFIX),
                ("all_matching", "1"),
                ("status", status),
            ],
            "submit_label": _("Record the decision"),
            "back_url": back,
        },
    )
