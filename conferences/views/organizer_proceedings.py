"""The organizer's proceedings page: the foreword, starting a build, its progress, and every build's file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from conferences.exports.proceedings_files import proceedings_file_response
from conferences.forms.proceedings import BuildForm, ForewordForm
from conferences.models import Job
from conferences.selectors.jobs import job_latest
from conferences.selectors.proceedings import proceedings_get, proceedings_list
from conferences.services.proceedings import conference_foreword_update, proceedings_build
from conferences.views.access import organized_conference


def _page_url(conference) -> str:
    return reverse("conferences:organizer-proceedings", kwargs={"slug": conference.slug})


@never_cache
@login_required
@require_GET
def proceedings(request, slug: str):
    conference = organized_conference(request, slug)
    context = {
        "conference": conference,
        "build_form": BuildForm(),
        "foreword_form": ForewordForm(initial={"foreword": conference.proceedings_foreword}),
        "job": job_latest(conference=conference, kind=Job.Kind.PROCEEDINGS),
        "builds": proceedings_list(conference=conference),
    }
    return render(request, "conferences/organizer/proceedings.html", context)


@login_required
@require_POST
def proceedings_build_view(request, slug: str):
    conference = organized_conference(request, slug)
    form = BuildForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
        return redirect(_page_url(conference))
    try:
        started = proceedings_build(
            conference=conference,
            kind=form.cleaned_data["kind"],
            variant=form.cleaned_data["variant"],
            user=request.user,
        )
    except ValidationError as exc:
        for field_messages in exc.message_dict.values():
            for message in field_messages:
                messages.error(request, message)
    else:
        if started.job is None:
            messages.info(
                request,
                _("Nothing changed since version %(version)s: that book is ready below.")
                % {"version": started.proceedings.version},
            )
        else:
            messages.success(request, _("The book is being built; the progress is shown below."))
    return redirect(_page_url(conference))


@login_required
@require_POST
def proceedings_foreword_view(request, slug: str):
    conference = organized_conference(request, slug)
    form = ForewordForm(request.POST)
    if form.is_valid():
        conference_foreword_update(conference=conference, foreword=form.cleaned_data["foreword"])
        messages.success(request, _("The foreword is saved."))
    else:
        for message in form.errors.get("foreword", []):
            messages.error(request, message)
    return redirect(_page_url(conference))


@login_required
@require_GET
def proceedings_download(request, slug: str, pk: int):
    conference = organized_conference(request, slug)
    build = proceedings_get(conference=conference, pk=pk)
    if build is None:
        raise Http404
    return proceedings_file_response(build)
