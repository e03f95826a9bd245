"""The organizer's certificates page: counts, generating in bulk with the job's progress, the list,
revoking and reissuing, and each certificate's file. Every write goes through a service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from conferences.exports.certificate_files import certificate_file_response
from conferences.forms.certificates import CertificateFilterForm, GenerateForm, ReasonForm
from conferences.models import Certificate, Conference, Job
from conferences.selectors.certificate_lists import (
    certificate_counts,
    certificate_get_for_conference,
    certificate_list,
)
from conferences.selectors.jobs import job_latest
from conferences.services.certificate_generation import certificate_reissue, certificates_generate
from conferences.services.certificates import certificate_revoke
from conferences.views.access import organized_conference
from core.exceptions import ApplicationError
from core.http import safe_next_url

PAGE_SIZE = 100


def _page_url(conference: Conference) -> str:
    return reverse("conferences:organizer-certificates", kwargs={"slug": conference.slug})


def _errors(request, exc: ValidationError | ApplicationError) -> None:
    if isinstance(exc, ApplicationError):
        messages.error(request, exc.message)
        return
    for field_messages in exc.message_dict.values():
        for message in field_messages:
            messages.error(request, message)


@never_cache
@login_required
@require_GET
def certificates(request, slug: str):
    conference = organized_conference(request, slug)
    filter_form = CertificateFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    listed = certificate_list(
        conference=conference,
        kind=filters.get("kind", ""),
        state=filters.get("state", ""),
        q=filters.get("q", ""),
        sort=filters.get("sort", ""),
    )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "sort": filters.get("sort", ""),
        "conference": conference,
        "counts": certificate_counts(conference=conference),
        "filter_form": filter_form,
        "generate_form": GenerateForm(initial={"kinds": [k.value for k in Certificate.Kind]}),
        "job": job_latest(conference=conference, kind=Job.Kind.CERTIFICATES),
        "page_obj": page,
        "reason_max": ReasonForm.base_fields["reason"].max_length,
    }
    return render(request, "conferences/organizer/certificates.html", context)


@login_required
@require_POST
def certificates_generate_view(request, slug: str):
    conference = organized_conference(request, slug)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get("kinds", []):
            messages.error(request, message)
        return redirect(_page_url(conference))
    try:
        job = certificates_generate(
            conference=conference, kinds=form.cleaned_data["kinds"], user=request.user
        )
    except (ValidationError, ApplicationError) as exc:
        _errors(request, exc)
    else:
        if job.status == Job.Status.DONE and job.total == 0:
            messages.info(request, _("Every certificate of these kinds is already issued and rendered."))
        else:
            messages.success(
                request,
                _("Generating %(total)s certificate(s); the progress is shown below.") % {"total": job.total},
            )
    return redirect(_page_url(conference))


def _certificate(conference: Conference, pk: int) -> Certificate:
    certificate = certificate_get_for_conference(conference=conference, pk=pk)
    if certificate is None:
        raise Http404
    return certificate


@login_required
@require_POST
def certificate_revoke_view(request, slug: str, pk: int):
    conference = organized_conference(request, slug)
    certificate = _certificate(conference, pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        certificate_revoke(certificate=certificate, reason=form.cleaned_data["reason"], user=request.user)
    except (ValidationError, ApplicationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Certificate %(serial)s is revoked.") % {"serial": certificate.serial})
    return redirect(safe_next_url(request, request.POST.get("next"), _page_url(conference)))


@login_required
@require_POST
def certificate_reissue_view(request, slug: str, pk: int):
    conference = organized_conference(request, slug)
    certificate = _certificate(conference, pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        new = certificate_reissue(
            certificate=certificate, user=request.user, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, ApplicationError) as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("Certificate %(old)s is revoked; %(new)s replaces it and is being rendered.")
            % {"old": certificate.serial, "new": new.serial},
        )
    return redirect(safe_next_url(request, request.POST.get("next"), _page_url(conference)))


@login_required
@require_GET
def certificate_file(request, slug: str, pk: int):
    conference = organized_conference(request, slug)
    certificate = _certificate(conference, pk)
    return certificate_file_response(certificate)
