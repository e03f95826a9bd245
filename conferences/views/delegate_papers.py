"""The delegate's paper pages, opened by their personal link: send, read, change, withdraw, download,
and the figures the proceedings print with the paper.

A link sees and changes only the papers sent through it (Paper.registration); another paper
is a 404. Whether a paper may still change is paper_edit_state's answer, the service's own.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from conferences.exports.paper_files import figure_image_response, paper_file_response
from conferences.forms.papers import (
    AuthorFormSet,
    PaperFigureForm,
    PaperForm,
    author_initial,
    authors_from,
    errors_to_form,
    presenter_index,
)
from conferences.models import Paper, Registration
from conferences.selectors.invitations import registration_get_by_token
from conferences.selectors.papers import (
    call_for_papers_get,
    call_state,
    call_topics,
    paper_edit_state,
    paper_of_registration,
    paper_reviews_for_author,
    paper_revision_get,
)
from conferences.selectors.proceedings import paper_figures
from conferences.services.papers import paper_edit, paper_submit, paper_withdraw
from conferences.services.proceedings import FIGURE_MAX_BYTES, paper_figure_add, paper_figure_remove
from conferences.views.links import opened_by_link
from core.exceptions import ApplicationError
from core.uploads import MB, upload_refusal, upload_size_limited

FALLBACK_LIMIT = 50 * MB


def _upload_limit(request, token: str, *args, **kwargs) -> int:
    registration = registration_get_by_token(token=token)
    if registration is None:
        return FALLBACK_LIMIT
    return call_for_papers_get(registration.conference).max_file_mb * MB


def _own_paper(registration: Registration, pk: int) -> Paper:
    paper = paper_of_registration(registration=registration, pk=pk)
    if paper is None:
        raise Http404
    return paper


def _form_page(request, *, registration, token, paper=None, service):
    conference = registration.conference
    call = call_for_papers_get(conference)
    topics = call_topics(conference)
    revision = paper.current_revision if paper else None
    if request.method == "POST":
        form = PaperForm(request.POST, request.FILES, conference=conference, topics=topics)
        formset = AuthorFormSet(request.POST, prefix="authors")
        refused = upload_refusal(request)
        if refused:
            form.is_valid()
            formset.is_valid()
            form.add_error("file", refused)
        elif form.is_valid() and formset.is_valid():
            try:
                saved = service(
                    title=form.cleaned_data["title"],
                    abstract=form.cleaned_data["abstract"],
                    body=form.cleaned_data["body"],
                    topic=form.cleaned_data["topic"],
                    authors=authors_from(formset),
                    presenter_index=presenter_index(form, formset),
                    upload=form.cleaned_data.get("file"),
                )
            except ValidationError as exc:
                errors_to_form(exc, form)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                paper_id = saved.pk if isinstance(saved, Paper) else saved.paper_id
                messages.success(
                    request, _("Your paper has been received. A confirmation is on its way by e-mail.")
                )
                return redirect("conferences:delegate-paper", token=token, pk=paper_id)
    else:
        initial = {}
        if revision is not None:
            initial = {
                "title": revision.title,
                "abstract": revision.abstract,
                "body": revision.body,
                "topic": revision.topic_id,
                "presenter": next((i for i, a in enumerate(revision.authors) if a.get("is_presenter")), 0),
            }
        else:
            initial = {"presenter": 0}
        form = PaperForm(initial=initial, conference=conference, topics=topics)
        formset = AuthorFormSet(
            initial=author_initial(registration=registration, revision=revision), prefix="authors"
        )
    context = {
        "registration": registration,
        "conference": conference,
        "token": token,
        "paper": paper,
        "call": call_state(call),
        "settings": call,
        "form": form,
        "formset": formset,
        "presenter": str(form["presenter"].value() if form["presenter"].value() not in (None, "") else 0),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "conferences/delegate_papers/paper_form.html", context, status=status)


@never_cache
@upload_size_limited(_upload_limit)
@require_http_methods(["GET", "POST"])
@opened_by_link(registration_get_by_token)
def paper_new(request, registration: Registration, token: str):
    def submit(**fields):
        return paper_submit(registration=registration, **fields)

    return _form_page(request, registration=registration, token=token, service=submit)


@never_cache
@upload_size_limited(_upload_limit)
@require_http_methods(["GET", "POST"])
@opened_by_link(registration_get_by_token)
def paper_change(request, registration: Registration, token: str, pk: int):
    paper = _own_paper(registration, pk)

    def edit(**fields):
        return paper_edit(paper=paper, **fields)

    return _form_page(request, registration=registration, token=token, paper=paper, service=edit)


def _detail_page(request, *, registration, token, paper, figure_form=None, status=200):
    call = call_for_papers_get(registration.conference)
    context = {
        "registration": registration,
        "conference": registration.conference,
        "token": token,
        "paper": paper,
        "revision": paper.current_revision,
        "revisions": list(paper.revisions.all()),
        "authors": list(paper.authorships.all()),
        "edit": paper_edit_state(paper, call),
        "reviews": paper_reviews_for_author(paper),
        "figures": paper_figures(paper),
        "figure_form": figure_form or PaperFigureForm(),
        "figure_max_mb": FIGURE_MAX_BYTES // MB,
    }
    return render(request, "conferences/delegate_papers/paper_detail.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
@opened_by_link(registration_get_by_token)
def paper_detail(request, registration: Registration, token: str, pk: int):
    paper = _own_paper(registration, pk)
    return _detail_page(request, registration=registration, token=token, paper=paper)


@never_cache
@upload_size_limited(FIGURE_MAX_BYTES)
@require_POST
@opened_by_link(registration_get_by_token)
def paper_figure_new(request, registration: Registration, token: str, pk: int):
    paper = _own_paper(registration, pk)
    form = PaperFigureForm(request.POST, request.FILES)
    refused = upload_refusal(request)
    if refused:
        form.is_valid()
        form.add_error("file", refused)
    elif form.is_valid():
        try:
            figure = paper_figure_add(
                paper=paper,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                registration=registration,
            )
        except ValidationError as exc:
            errors_to_form(exc, form)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            number = paper_figures(paper).index(figure) + 1
            messages.success(
                request,
                _("The figure has been added. The book prints it after your text as “Hình %(n)d”.")
                % {"n": number},
            )
            return redirect(reverse("conferences:delegate-paper", args=[token, paper.pk]) + "#figures")
    return _detail_page(
        request, registration=registration, token=token, paper=paper, figure_form=form, status=400
    )


@never_cache
@require_http_methods(["GET"])
@opened_by_link(registration_get_by_token)
def paper_figure_image(request, registration: Registration, token: str, pk: int, figure_id: int):
    paper = _own_paper(registration, pk)
    figure = next((f for f in paper_figures(paper) if f.pk == figure_id), None)
    if figure is None:
        raise Http404
    return figure_image_response(figure)


@never_cache
@require_POST
@opened_by_link(registration_get_by_token)
def paper_figure_delete(request, registration: Registration, token: str, pk: int, figure_id: int):
    paper = _own_paper(registration, pk)
    try:
        paper_figure_remove(paper=paper, figure_id=figure_id, registration=registration)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The figure has been removed; the figures after it moved up one number."))
    return redirect(reverse("conferences:delegate-paper", args=[token, paper.pk]) + "#figures")


@never_cache
@require_POST
@opened_by_link(registration_get_by_token)
def paper_withdraw_view(request, registration: Registration, token: str, pk: int):
    paper = _own_paper(registration, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the withdrawal."))
        return redirect("conferences:delegate-paper", token=token, pk=paper.pk)
    try:
        paper_withdraw(paper=paper, registration=registration, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The paper has been withdrawn. Its versions are kept."))
    return redirect("conferences:delegate-paper", token=token, pk=paper.pk)


@never_cache
@require_http_methods(["GET"])
@opened_by_link(registration_get_by_token)
def paper_download(request, registration: Registration, token: str, pk: int, number: int):
    paper = _own_paper(registration, pk)
    revision = paper_revision_get(paper=paper, number=number)
    if revision is None or not revision.file:
        raise Http404
    return paper_file_response(revision=revision, blind=False)
