"""Organizer pages for one conference's outbox: filter, approve, cancel, read and resend notices."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from conferences.forms.outbox import BulkActionForm, OutboxFilterForm
from conferences.models import Conference
from conferences.selectors.notices import (
    conference_notice_counts,
    conference_notice_get,
    conference_notice_ids,
    conference_notices,
)
from conferences.views.access import organized_conference
from core.exceptions import ApplicationError
from core.http import safe_next_url
from notifications.selectors import (
    ACTIONABLE_STATES,
    RESENDABLE_STATES,
    notification_state_choices,
)
from notifications.services import notification_approve, notification_cancel, notification_resend

PAGE_SIZE = 50

SEE_NOTICES = _("Only the organizers of this conference can see its notices.")


def _notification(conference: Conference, pk):
    try:
        return conference_notice_get(conference=conference, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@require_GET
@login_required
def outbox(request, slug: str):
    conference = organized_conference(request, slug, SEE_NOTICES)
    form = OutboxFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    notifications = conference_notices(
        conference=conference,
        kind=filters.get("kind"),
        state=filters.get("state"),
        recipient=filters.get("q"),
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = conference_notice_counts(conference=conference)
    context = {
        "conference": conference,
        "form": form,
        "page_obj": page,
        "state_counts": [(state, label, counts[state]) for state, label in notification_state_choices()],
        "total": sum(counts.values()),
        "current_state": filters.get("state", ""),
        "actionable_states": ACTIONABLE_STATES,
    }
    return render(request, "conferences/organizer/outbox.html", context)


@require_POST
@login_required
def outbox_bulk_action(request, slug: str):
    conference = organized_conference(request, slug, SEE_NOTICES)
    outbox_url = reverse("conferences:outbox", kwargs={"slug": conference.slug})
    back = safe_next_url(request, request.POST.get("next"), outbox_url)
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    ids = conference_notice_ids(conference=conference, ids=form.cleaned_data["ids"])
    if form.cleaned_data["action"] == "approve":
        count = notification_approve(ids=ids)
        text = ngettext(
            "%(count)d notice approved for sending.", "%(count)d notices approved for sending.", count
        )
    else:
        count = notification_cancel(ids=ids)
        text = ngettext("%(count)d notice cancelled.", "%(count)d notices cancelled.", count)
    skipped = len(set(form.cleaned_data["ids"])) - count
    messages.success(request, text % {"count": count})
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d selected notice was left as it was: its state no longer allows this.",
                "%(count)d selected notices were left as they were: their state no longer allows this.",
                skipped,
            )
            % {"count": skipped},
        )
    return redirect(back)


@require_GET
@login_required
def notification_detail(request, slug: str, pk: uuid.UUID):
    conference = organized_conference(request, slug, SEE_NOTICES)
    notification = _notification(conference, pk)
    context = {
        "conference": conference,
        "notification": notification,
        "can_resend": notification.state in RESENDABLE_STATES,
    }
    return render(request, "conferences/organizer/notification_detail.html", context)


@require_POST
@login_required
def notification_resend_view(request, slug: str, pk: uuid.UUID):
    conference = organized_conference(request, slug, SEE_NOTICES)
    notification = _notification(conference, pk)
    try:
        copy = notification_resend(notification=notification)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("conferences:notification", slug=conference.slug, pk=notification.pk)
    messages.success(request, _("The notice was queued to be sent again."))
    return redirect("conferences:notification", slug=conference.slug, pk=copy.pk)
