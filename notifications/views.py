"""Organizer pages for one conference's outbox: filter, approve, cancel, read and resend notices."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from conferences.exceptions import ApplicationError
from conferences.models import Conference
from conferences.views.access import organized_conference
from conferences.views.redirects import safe_next_url
from notifications.kinds import KINDS
from notifications.models import Notification
from notifications.selectors import (
    notification_counts,
    notification_get_for_user,
    notification_ids_for_user,
    notification_list,
)
from notifications.services.outbox import notification_approve, notification_cancel, notification_resend

PAGE_SIZE = 50
RESENDABLE_STATES = {Notification.State.SENT, Notification.State.DEAD}
ACTIONABLE_STATES = {Notification.State.HELD, Notification.State.PENDING}

SEE_NOTICES = _("Only the organizers of this conference can see its notices.")


def _kind_choices():
    return [("", _("All kinds")), *((name, kind.description) for name, kind in sorted(KINDS.items()))]


class OutboxFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=_kind_choices, required=False)
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All states")), *Notification.State.choices], required=False
    )
    q = forms.CharField(label=_("Recipient"), max_length=254, required=False)


class UUIDListField(forms.Field):
    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one notice."),
        "invalid": _("The selection is not valid; reload the page and try again."),
    }

    def to_python(self, value) -> list[uuid.UUID]:
        if not value:
            return []
        try:
            return [uuid.UUID(str(item)) for item in value]
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("cancel", _("Cancel"))])
    ids = UUIDListField()


def _notification(request, conference: Conference, pk) -> Notification:
    try:
        return notification_get_for_user(user=request.user, pk=pk, conference=conference)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
@login_required
def outbox(request, slug: str):
    conference = organized_conference(request, slug, SEE_NOTICES)
    form = OutboxFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    notifications = notification_list(
        user=request.user,
        conference=conference,
        kind=filters.get("kind"),
        state=filters.get("state"),
        recipient=filters.get("q"),
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = notification_counts(conference=conference)
    context = {
        "conference": conference,
        "form": form,
        "page_obj": page,
        "state_counts": [(state, label, counts[state]) for state, label in Notification.State.choices],
        "total": sum(counts.values()),
        "current_state": filters.get("state", ""),
        "actionable_states": ACTIONABLE_STATES,
    }
    return render(request, "notifications/outbox.html", context)


@require_POST
@login_required
def outbox_bulk_action(request, slug: str):
    conference = organized_conference(request, slug, SEE_NOTICES)
    outbox_url = reverse("notifications:outbox", kwargs={"slug": conference.slug})
    back = safe_next_url(request, request.POST.get("next"), outbox_url)
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    ids = notification_ids_for_user(user=request.user, ids=form.cleaned_data["ids"], conference=conference)
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
    notification = _notification(request, conference, pk)
    context = {
        "conference": conference,
        "notification": notification,
        "can_resend": notification.state in RESENDABLE_STATES,
    }
    return render(request, "notifications/notification_detail.html", context)


@require_POST
@login_required
def notification_resend_view(request, slug: str, pk: uuid.UUID):
    conference = organized_conference(request, slug, SEE_NOTICES)
    notification = _notification(request, conference, pk)
    try:
        copy = notification_resend(notification=notification)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("notifications:detail", slug=conference.slug, pk=notification.pk)
    messages.success(request, _("The notice was queued to be sent again."))
    return redirect("notifications:detail", slug=conference.slug, pk=copy.pk)
