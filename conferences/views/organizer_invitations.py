"""Organizer pages for one conference's invitations.

The overview (counts, the filtered list with per-row actions, sending a
selection, inviting a group of agencies), one invitation with its history,
sending, reminding and revoking it, and its letter PDF. Answering for an
agency is in organizer_answers, the delegate list exports in
organizer_exports. Only the conference's organizers (and superusers) may open
them; every write goes through a service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from conferences.forms.invitations import BulkInviteForm, InvitationFilterForm, RevokeForm, SendSelectedForm
from conferences.models import (
    AuditEntry,
    Conference,
    Invitation,
    Job,
    Organization,
    Person,
    Province,
    RenderedDocument,
)
from conferences.selectors.invitations import (
    invitation_counts,
    invitation_delegates,
    invitation_drafts_matching,
    invitation_history,
    invitation_links,
    invitation_list,
)
from conferences.selectors.jobs import job_latest
from conferences.selectors.notices import invitation_letter_pending, invitation_notices
from conferences.selectors.organizations import organization_search
from conferences.services.invitation_sending import (
    invitation_recipients,
    invitation_remind,
    invitation_revoke,
    invitation_send,
    invitation_send_bulk,
)
from conferences.services.invitations import invitation_bulk_create
from conferences.services.rsvp import NAMED_FIELDS
from conferences.views.access import MANAGE_INVITATIONS, organized_conference, organized_invitation
from conferences.views.documents import stored_document_page
from core.exceptions import ApplicationError
from core.http import safe_next_url

PAGE_SIZE = 100
SKIPPED_NAMES_SHOWN = 20


# Helpers -----------------------------------------------------------------------------------------------


def _provinces() -> list[Province]:
    return list(Province.objects.filter(is_active=True).order_by("name"))


def _back(request, conference: Conference, invitation: Invitation | None = None) -> str:
    """Where an action returns: the page it was taken on (same site only), else the list."""
    if invitation is not None:
        fallback = reverse(
            "conferences:organizer-invitation", kwargs={"slug": conference.slug, "pk": invitation.pk}
        )
    else:
        fallback = reverse("conferences:organizer-invitations", kwargs={"slug": conference.slug})
    return safe_next_url(request, request.POST.get("next"), fallback)


def _state_counts(by_status: dict[str, int]) -> list[dict]:
    """Counts by state; "sent" counts every invitation sent, "no answer" those sent and not answered."""
    statuses = Invitation.Status
    return [
        {"state": statuses.DRAFT, "label": statuses.DRAFT.label, "count": by_status[statuses.DRAFT]},
        {
            "state": "",
            "label": _("Sent"),
            "count": by_status[statuses.SENT] + by_status[statuses.ACCEPTED] + by_status[statuses.DECLINED],
        },
        {"state": statuses.ACCEPTED, "label": statuses.ACCEPTED.label, "count": by_status[statuses.ACCEPTED]},
        {"state": statuses.DECLINED, "label": statuses.DECLINED.label, "count": by_status[statuses.DECLINED]},
        {"state": statuses.SENT, "label": _("No answer"), "count": by_status[statuses.SENT]},
        {"state": statuses.REVOKED, "label": statuses.REVOKED.label, "count": by_status[statuses.REVOKED]},
    ]


# The overview ------------------------------------------------------------------------------------------


@never_cache
@require_GET
@login_required
def invitations(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    provinces = _provinces()
    filter_form = InvitationFilterForm(request.GET, provinces=provinces)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    sort = filters.get("sort", "")
    invitations = invitation_list(conference=conference, **filter_form.selector_filters(), sort=sort)
    page = Paginator(invitations, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = invitation_counts(conference=conference)
    kind_labels = dict(Organization.Kind.choices)
    groups = [
        {
            "kind": kind_labels.get(group["organization__kind"], group["organization__kind"]),
            "province": group["organization__province__name"] or "",
            **{key: group[key] for key in ("total", "accepted", "declined", "no_answer")},
        }
        for group in counts["groups"]
    ]
    context = {
        "conference": conference,
        "filter_form": filter_form,
        "bulk_form": BulkInviteForm(provinces=provinces),
        "page_obj": page,
        "state_counts": _state_counts(counts["by_status"]),
        "total": sum(counts["by_status"].values()),
        "groups": groups,
        "current_state": filters.get("state", ""),
        "can_send": conference.status != Conference.Status.CLOSED,
        "sort": sort,
        # The filters in force, sent again by "send all that match" (the server counts anew).
        "filter_fields": _filter_fields(filters),
        "matching_drafts": invitation_drafts_matching(
            conference=conference, filters=filter_form.selector_filters()
        ).count(),
        "job": job_latest(conference=conference, kind=Job.Kind.INVITATIONS),
    }
    return render(request, "conferences/organizer/invitations.html", context)


def _filter_fields(filters: dict) -> list[tuple[str, str]]:
    return [(name, filters[name]) for name in ("state", "kind", "province", "q") if filters.get(name)]


@require_POST
@login_required
def invitations_send_selected(request, slug: str):
    """Send the selected drafts, or every draft the list's filters show (after a confirmation)."""
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    form = SendSelectedForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_back(request, conference))
    filters = None
    if form.cleaned_data["all_matching"]:
        filter_form = InvitationFilterForm(request.POST, provinces=_provinces())
        if not filter_form.is_valid():
            messages.error(request, _("The filter is not valid; filter the list again and retry."))
            return redirect(_back(request, conference))
        filters = filter_form.selector_filters()
        if not form.cleaned_data["confirmed"]:
            count = invitation_drafts_matching(conference=conference, filters=filters).count()
            return render(
                request,
                "conferences/organizer/bulk_confirm.html",
                {
                    "conference": conference,
                    "title": _("Send all matching drafts"),
                    "question": ngettext(
                        "Send %(count)d draft invitation that matches the filter? Its e-mails are held "
                        "for approval in the outbox.",
                        "Send all %(count)d draft invitations that match the filter? Their e-mails are "
                        "held for approval in the outbox.",
                        count,
                    )
                    % {"count": count},
                    "count": count,
                    "action_url": request.path,
                    "fields": [*_filter_fields(filter_form.cleaned_data), ("all_matching", "1")],
                    "submit_label": _("Send them"),
                    "back_url": _back(request, conference),
                },
            )
    job = invitation_send_bulk(
        conference=conference,
        invitation_ids=form.cleaned_data["ids"] if filters is None else None,
        filters=filters,
        actor=request.user,
    )
    queued = job.total if job else 0
    outbox = reverse("conferences:outbox", kwargs={"slug": conference.slug})
    if queued:
        text = ngettext(
            "%(count)d invitation is being prepared for sending. Its e-mails are held for approval "
            "in the outbox:",
            "%(count)d invitations are being prepared for sending. Their e-mails are held for approval "
            "in the outbox:",
            queued,
        ) % {"count": queued}
        messages.success(request, format_html('{} <a href="{}">{}</a>', text, outbox, _("open the outbox")))
    elif filters is not None:
        messages.info(request, _("No draft invitation matches the filter; nothing was sent."))
    skipped = len(form.cleaned_data["ids"]) - queued if filters is None else 0
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d selected invitation is not a draft and was left as it was "
                "(send it again from its own row).",
                "%(count)d selected invitations are not drafts and were left as they were "
                "(send them again from their own rows).",
                skipped,
            )
            % {"count": skipped},
        )
    return redirect(_back(request, conference))


@require_POST
@login_required
def invitations_bulk_create(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    form = BulkInviteForm(request.POST, provinces=_provinces())
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(_back(request, conference))
    data = form.cleaned_data
    organizations = list(organization_search(kind=data["kind"], province_code=data["province"]))
    created, skipped = invitation_bulk_create(
        conference=conference,
        organizations=organizations,
        delegate_quota=data["delegate_quota"],
        paper_requested=data["paper_requested"],
        paper_topic=data["paper_topic"],
        note=data["note"],
    )
    if not created and not skipped:
        # Nothing matched, or only the host, which the service leaves out.
        messages.warning(request, _("No agency matches this choice; nothing was created."))
        return redirect(_back(request, conference))
    messages.success(
        request,
        ngettext(
            "%(count)d invitation created as a draft.",
            "%(count)d invitations created as drafts.",
            len(created),
        )
        % {"count": len(created)},
    )
    if skipped:
        names = ", ".join(o.name for o in skipped[:SKIPPED_NAMES_SHOWN])
        more = len(skipped) - SKIPPED_NAMES_SHOWN
        if more > 0:
            names += " " + ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more}
        messages.info(
            request,
            ngettext(
                "%(count)d agency was already invited and was skipped: %(names)s.",
                "%(count)d agencies were already invited and were skipped: %(names)s.",
                len(skipped),
            )
            % {"count": len(skipped), "names": names},
        )
    return redirect(_back(request, conference))


# One invitation ----------------------------------------------------------------------------------------


# Entries an answer writes: without an actor, the agency answered through its link.
ANSWER_ACTIONS = {AuditEntry.Action.DELEGATE_RECORD_CHANGED, AuditEntry.Action.DELEGATE_RECORD_KEPT}


def _field_label(name: str) -> str:
    try:
        return str(Person._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _record_details(data: dict) -> str:
    """What an answer did to a delegate's shared record: the change, or why it was kept and which details."""
    email = data.get("email", "")
    if "before" in data:
        before, after = data.get("before") or {}, data.get("after") or {}
        changes = "; ".join(
            _("%(field)s “%(before)s” → “%(after)s”")
            % {"field": _field_label(name), "before": before.get(name, ""), "after": after.get(name, "")}
            for name in NAMED_FIELDS
            if name in after
        )
        return _("%(email)s: %(changes)s") % {"email": email, "changes": changes}
    fields = ", ".join(_field_label(name) for name in data.get("fields") or [])
    if data.get("reason") == "locked":
        text = _(
            "%(email)s: the record is verified by the organizers; the %(fields)s given in the answer "
            "stay on the registration only."
        )
    else:
        text = _(
            "%(email)s: the person belongs to another agency; the %(fields)s given in the answer "
            "stay on the registration only."
        )
    return text % {"email": email, "fields": fields}


def _audit_details(entry: AuditEntry) -> str:
    data = entry.data or {}
    if entry.action in ANSWER_ACTIONS:
        return _record_details(data)
    if entry.action == AuditEntry.Action.INVITATION_ANSWERED_ON_BEHALF:
        if not data.get("accept"):
            return _("Declined")
        return _("Accepted with: %(delegates)s") % {"delegates": ", ".join(data.get("delegates") or [])}
    if entry.action == AuditEntry.Action.INVITATION_REVOKED:
        return _("Reason: %(reason)s") % {"reason": data.get("reason") or "—"}
    if entry.action == AuditEntry.Action.INVITATION_SENT:
        return _("Letter %(number)s, sending no. %(send)s") % {
            "number": data.get("document", ""),
            "send": data.get("send", ""),
        }
    return ", ".join(f"{key}: {value}" for key, value in data.items())


def _audit_actor(entry: AuditEntry) -> str:
    if entry.actor is not None:
        return entry.actor.get_username()
    if entry.action in ANSWER_ACTIONS:
        return _("the agency, through its link")
    return _("unknown")


@never_cache
@require_GET
@login_required
def invitation_detail(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    invitation = organized_invitation(conference, pk)
    audit = invitation_history(invitation=invitation)
    notices = list(invitation_notices(invitation=invitation))
    letter_pending = invitation_letter_pending(invitation=invitation, notices=notices)
    context = {
        "conference": conference,
        "invitation": invitation,
        "delegates": list(invitation_delegates(invitation=invitation)),
        "links": invitation_links(invitation=invitation),
        "notices": notices,
        "letter_pending": letter_pending,
        "audit": [
            {
                "entry": entry,
                "who": _audit_actor(entry),
                "action": entry.get_action_display(),
                "details": _audit_details(entry),
            }
            for entry in audit
        ],
        "can_send": conference.status != Conference.Status.CLOSED,
        "revoke_form": RevokeForm(),
    }
    return render(request, "conferences/organizer/invitation_detail.html", context)


@require_POST
@login_required
def invitation_send_view(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    invitation = organized_invitation(conference, pk)
    try:
        # One invitation sent by hand goes at once; only bulk sends wait for approval.
        invitation = invitation_send(invitation=invitation, actor=request.user, hold=False)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(_back(request, conference, invitation))
    count = len(invitation_recipients(invitation))
    messages.success(
        request,
        ngettext(
            "Invitation %(number)s is being sent to %(name)s (%(count)d e-mail): "
            "the letter is being prepared and the e-mail goes to the outbox in a moment.",
            "Invitation %(number)s is being sent to %(name)s (%(count)d e-mails): "
            "the letter is being prepared and the e-mails go to the outbox in a moment.",
            count,
        )
        % {"number": invitation.document.formatted, "name": invitation.invitee_name, "count": count},
    )
    return redirect(_back(request, conference, invitation))


@require_POST
@login_required
def invitation_remind_view(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    invitation = organized_invitation(conference, pk)
    try:
        invitation_remind(invitation=invitation, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("A reminder to %(name)s is in the outbox (at most one a day is sent).")
            % {"name": invitation.invitee_name},
        )
    return redirect(_back(request, conference, invitation))


@require_POST
@login_required
def invitation_revoke_view(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    invitation = organized_invitation(conference, pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["reason"][0])
        return redirect(_back(request, conference, invitation))
    if invitation.status == Invitation.Status.REVOKED:
        messages.info(request, _("This invitation was already revoked."))
        return redirect(_back(request, conference, invitation))
    invitation_revoke(invitation=invitation, actor=request.user, reason=form.cleaned_data["reason"])
    messages.success(
        request,
        _("The invitation to %(name)s is revoked: its links no longer work and its delegates are cancelled.")
        % {"name": invitation.invitee_name},
    )
    return redirect(_back(request, conference, invitation))


@never_cache
@require_GET
@login_required
def invitation_letter(request, slug: str, pk: int):
    """The letter PDF. Before the first send it has no number yet and is marked as a draft."""
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    return stored_document_page(
        request, conference, kind=RenderedDocument.Kind.INVITATION_LETTER, subject_id=pk, inline=False
    )
