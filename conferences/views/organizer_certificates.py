"""The organizer's certificates page: counts, generating in bulk with the job's progress, the list,
revoking and reissuing one certificate, a selection or all that match the filter (after a
confirmation), and each certificate's file. Every write goes through a service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from conferences.exports.certificate_files import certificate_file_response
from conferences.forms.certificates import (
    REISSUE,
    CertificateBulkForm,
    CertificateFilterForm,
    GenerateForm,
    ReasonForm,
)
from conferences.models import Certificate, Conference, Job
from conferences.selectors.certificate_lists import (
    certificate_counts,
    certificate_get_for_conference,
    certificate_list,
)
from conferences.selectors.jobs import job_latest
from conferences.services.certificate_generation import (
    certificate_reissue,
    certificates_generate,
    certificates_reissue_many,
    certificates_revoke_many,
)
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
    filter_fields = _filter_fields(filters)
    context = {
        "filter_fields": filter_fields,
        "matching_valid": certificate_list(
            conference=conference, **_list_filters(filters), revoked=False
        ).count(),
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


def _list_filters(filters: dict) -> dict:
    return {"kind": filters.get("kind", ""), "state": filters.get("state", ""), "q": filters.get("q", "")}


def _filter_fields(filters: dict) -> list[tuple[str, str]]:
    return [(name, filters[name]) for name in ("kind", "state", "q") if filters.get(name)]


@login_required
@require_POST
def certificates_bulk(request, slug: str):
    """Revoke or reissue the selected certificates, or every valid one the filters show (confirmed first)."""
    conference = organized_conference(request, slug)
    back = safe_next_url(request, request.POST.get("next"), _page_url(conference))
    form = CertificateBulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    reissue = data["action"] == REISSUE
    if data["all_matching"]:
        filter_form = CertificateFilterForm(request.POST)
        if not filter_form.is_valid():
            messages.error(request, _("The filter is not valid; filter the list again and retry."))
            return redirect(back)
        filters = filter_form.cleaned_data
        chosen = certificate_list(conference=conference, **_list_filters(filters), revoked=False)
        if not data["confirmed"]:
            count = chosen.count()
            if reissue:
                title = _("Reissue all matching certificates")
                question = ngettext(
                    "Revoke %(count)d valid certificate that matches the filter and issue its replacement? "
                    "Reason: “%(reason)s”.",
                    "Revoke all %(count)d valid certificates that match the filter and issue their "
                    "replacements? Reason: “%(reason)s”.",
                    count,
                )
            else:
                title = _("Revoke all matching certificates")
                question = ngettext(
                    "Revoke %(count)d valid certificate that matches the filter? Reason: “%(reason)s”.",
                    "Revoke all %(count)d valid certificates that match the filter? Reason: “%(reason)s”.",
                    count,
                )
            return render(
                request,
                "conferences/organizer/bulk_confirm.html",
                {
                    "conference": conference,
                    "title": title,
                    "question": question % {"count": count, "reason": data["reason"]},
                    "count": count,
                    "action_url": request.path,
                    "fields": [
                        *_filter_fields(filters),
                        ("all_matching", "1"),
                        ("action", data["action"]),
                        ("reason", data["reason"]),
                    ],
                    "submit_label": _("Reissue them") if reissue else _("Revoke them"),
                    "back_url": back,
                },
            )
    else:
        chosen = certificate_list(conference=conference, revoked=False).filter(pk__in=data["ids"])
    certificates = list(chosen.select_related("conference", "award"))
    try:
        if reissue:
            job = certificates_reissue_many(
                conference=conference, certificates=certificates, reason=data["reason"], user=request.user
            )
            done = job.total if job else 0
        else:
            done = certificates_revoke_many(
                certificates=certificates, reason=data["reason"], user=request.user
            )
    except (ValidationError, ApplicationError) as exc:
        _errors(request, exc)
        return redirect(back)
    if not done:
        messages.info(request, _("No valid certificate was chosen; nothing was changed."))
    elif reissue:
        messages.success(
            request,
            ngettext(
                "%(count)d certificate is revoked and replaced; the replacement is being rendered.",
                "%(count)d certificates are revoked and replaced; the replacements are being rendered.",
                done,
            )
            % {"count": done},
        )
    else:
        messages.success(
            request,
            ngettext("%(count)d certificate is revoked.", "%(count)d certificates are revoked.", done)
            % {"count": done},
        )
    return redirect(back)


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
