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
    conference_notice_ids_for_action,
    conference_notices,
)
from conferences.services.notices import conference_notices_act
from conferences.views.access import organized_conference
from core.exceptions import ApplicationError
from core.http import safe_next_url
from notifications.selectors import (
    ACTIONABLE_STATES,
    RESENDABLE_STATES,
    notice_kind_label,
    notification_state_choices,
)
from notifications.services import notification_resend

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
    sort = filters.get("sort", "")
    notifications = conference_notices(conference=conference, **form.selector_filters(), sort=sort)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for notification in page.object_list:
        notification.kind_label = notice_kind_label(notification.kind)
    counts = conference_notice_counts(conference=conference)
    context = {
        "sort": sort,
        # The filters in force, sent again by "all that match" (the server counts anew on confirming).
        "filter_fields": form.filter_fields(),
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
    action = form.cleaned_data["action"]
    filters = None
    if form.cleaned_data["all_matching"]:
        filter_form = OutboxFilterForm(request.POST)
        if not filter_form.is_valid():
            messages.error(request, _("The filter is not valid; filter the list again and retry."))
            return redirect(back)
        filters = filter_form.selector_filters()
        if not form.cleaned_data["confirmed"]:
            return _confirm(request, conference, action, filter_form, back)
    count = conference_notices_act(
        conference=conference, action=action, ids=form.cleaned_data["ids"], filters=filters
    )
    if action == "approve":
        text = ngettext(
            "%(count)d notice approved for sending.", "%(count)d notices approved for sending.", count
        )
    else:
        text = ngettext("%(count)d notice cancelled.", "%(count)d notices cancelled.", count)
    messages.success(request, text % {"count": count})
    if filters is not None:
        return redirect(back)
    skipped = len(set(form.cleaned_data["ids"])) - count
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


def _confirm(request, conference: Conference, action: str, filter_form: OutboxFilterForm, back: str):
    """The page that shows how many notices "all that match" would change, counted now."""
    count = len(
        conference_notice_ids_for_action(
            conference=conference, action=action, filters=filter_form.selector_filters()
        )
    )
    if action == "approve":
        title = _("Approve all matching notices")
        question = ngettext(
            "Approve %(count)d held notice that matches the filter for sending?",
            "Approve all %(count)d held notices that match the filter for sending?",
            count,
        )
        label = _("Approve them")
    else:
        title = _("Cancel all matching notices")
        question = ngettext(
            "Cancel %(count)d waiting notice that matches the filter? It will not be sent.",
            "Cancel all %(count)d waiting notices that match the filter? They will not be sent.",
            count,
        )
        label = _("Cancel them")
    return render(
        request,
        "conferences/organizer/bulk_confirm.html",
        {
            "conference": conference,
            "title": title,
            "question": question % {"count": count},
            "count": count,
            "action_url": request.path,
            "fields": [*filter_form.filter_fields(), ("all_matching", "1"), ("action", action)],
            "submit_label": label,
            "back_url": back,
        },
    )


@require_GET
@login_required
def notification_detail(request, slug: str, pk: uuid.UUID):
    conference = organized_conference(request, slug, SEE_NOTICES)
    notification = _notification(conference, pk)
    notification.kind_label = notice_kind_label(notification.kind)
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
