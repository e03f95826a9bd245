"""Organizer pages for one conference's invitations and delegates.

The overview (counts, the filtered list with per-row actions, sending a
selection, inviting a group of agencies), one invitation with its history,
answering for an agency that replied by phone, the letter PDF and the
reception desk's delegate list. Only the conference's organizers (and staff)
may open them; every write goes through a service.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conferences import exports
from conferences.exceptions import ApplicationError
from conferences.forms import ACCEPT, DECLINE, RsvpForm, delegate_formset
from conferences.models import AuditEntry, Conference, Invitation, InvitationLink, Organization, Province
from conferences.selectors.invitations import (
    delegate_list,
    invitation_counts,
    invitation_delegates,
    invitation_list,
)
from conferences.selectors.organizations import organization_search
from conferences.services.invitation_sending import (
    invitation_remind,
    invitation_revoke,
    invitation_send,
    invitation_send_bulk,
)
from conferences.services.invitations import invitation_bulk_create
from conferences.services.rsvp import rsvp_submit
from conferences.text import fold
from conferences.views.access import organized_conference
from notifications.models import Notification

PAGE_SIZE = 100
SKIPPED_NAMES_SHOWN = 20
MAX_QUOTA = 50

MANAGE_INVITATIONS = gettext_lazy("Only the organizers of this conference can manage its invitations.")


# Forms -------------------------------------------------------------------------------------------------


def _province_choices(provinces: list[Province], empty_label) -> list[tuple[str, str]]:
    return [("", empty_label), *((p.code, p.name) for p in provinces)]


class InvitationFilterForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Agency kind"), required=False)
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    q = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)

    def __init__(self, *args, provinces: list[Province], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states")), *Invitation.Status.choices]
        self.fields["kind"].choices = [("", _("All kinds")), *Organization.Kind.choices]
        self.fields["province"].choices = _province_choices(provinces, _("All provinces"))


class BulkInviteForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Agency kind"), required=False)
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    delegate_quota = forms.IntegerField(
        label=gettext_lazy("Delegates per agency"), min_value=1, max_value=MAX_QUOTA, initial=1
    )
    paper_requested = forms.BooleanField(label=gettext_lazy("Ask for a paper"), required=False)
    paper_topic = forms.CharField(label=gettext_lazy("Paper topic"), max_length=400, required=False)
    note = forms.CharField(
        label=gettext_lazy("Note in the letter"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, provinces: list[Province], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *Organization.Kind.choices]
        self.fields["province"].choices = _province_choices(provinces, _("Any province"))

    def clean(self):
        data = super().clean()
        # Neither filter would invite every agency in the register: surely not what was meant.
        if not data.get("kind") and not data.get("province"):
            raise ValidationError(_("Choose an agency kind, a province, or both."))
        if data.get("paper_topic") and not data.get("paper_requested"):
            self.add_error("paper_requested", _("Tick this box to ask for a paper on the topic."))
        return data


class IdListField(forms.Field):
    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": gettext_lazy("Select at least one invitation."),
        "invalid": gettext_lazy("The selection is not valid; reload the page and try again."),
    }

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        try:
            return sorted({int(item) for item in value})
        except (TypeError, ValueError) as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class SendSelectedForm(forms.Form):
    ids = IdListField()


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        error_messages={"required": gettext_lazy("Give the reason for revoking the invitation.")},
    )


# Access and lookups ------------------------------------------------------------------------------------


def _invitation(conference: Conference, pk: int) -> Invitation:
    try:
        return Invitation.objects.select_related(
            "conference__host", "organization__province", "person", "document__issuer", "paper_presenter"
        ).get(conference=conference, pk=pk)
    except Invitation.DoesNotExist as exc:
        raise Http404 from exc


def _provinces() -> list[Province]:
    return list(Province.objects.filter(is_active=True).order_by("name"))


def _back(request, conference: Conference, invitation: Invitation | None = None) -> str:
    """Where an action returns: the page it was taken on (same site only), else the list."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=False
    ):
        return back
    if invitation is not None:
        return reverse(
            "conferences:organizer-invitation", kwargs={"slug": conference.slug, "pk": invitation.pk}
        )
    return reverse("conferences:organizer-invitations", kwargs={"slug": conference.slug})


def _filtered(invitations: QuerySet[Invitation], filters: dict) -> QuerySet[Invitation]:
    if filters.get("state"):
        invitations = invitations.filter(status=filters["state"])
    if filters.get("kind"):
        invitations = invitations.filter(organization__kind=filters["kind"])
    if filters.get("province"):
        invitations = invitations.filter(organization__province__code=filters["province"])
    # Folded names: "quang ninh" finds "Quảng Ninh".
    for word in fold(filters.get("q") or "").split():
        invitations = invitations.filter(
            Q(organization__search_name__contains=word) | Q(person__search_name__contains=word)
        )
    return invitations


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
    page = Paginator(_filtered(invitation_list(conference=conference), filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
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
    }
    return render(request, "conferences/organizer/invitations.html", context)


@require_POST
@login_required
def invitations_send_selected(request, slug: str):
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    form = SendSelectedForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("ids", []):
            messages.error(request, error)
        return redirect(_back(request, conference))
    ids = form.cleaned_data["ids"]
    queued = invitation_send_bulk(conference=conference, invitation_ids=ids, actor=request.user)
    outbox = reverse("notifications:outbox", kwargs={"slug": conference.slug})
    if queued:
        text = ngettext(
            "%(count)d invitation is being prepared for sending. Its e-mails are held for approval "
            "in the outbox:",
            "%(count)d invitations are being prepared for sending. Their e-mails are held for approval "
            "in the outbox:",
            queued,
        ) % {"count": queued}
        messages.success(request, format_html('{} <a href="{}">{}</a>', text, outbox, _("open the outbox")))
    skipped = len(ids) - queued
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
    organizations = list(
        organization_search(kind=data["kind"], province_code=data["province"]).exclude(pk=conference.host_id)
    )
    if not organizations:
        messages.warning(request, _("No agency matches this choice; nothing was created."))
        return redirect(_back(request, conference))
    created, skipped = invitation_bulk_create(
        conference=conference,
        organizations=organizations,
        delegate_quota=data["delegate_quota"],
        paper_requested=data["paper_requested"],
        paper_topic=data["paper_topic"],
        note=data["note"],
    )
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


AUDIT_ACTIONS = {
    "invitation.sent": gettext_lazy("Sent"),
    "invitation.revoked": gettext_lazy("Revoked"),
    "invitation.answered_on_behalf": gettext_lazy("Answered on the agency's behalf"),
}


def _audit_details(entry: AuditEntry) -> str:
    data = entry.data or {}
    if entry.action == "invitation.answered_on_behalf":
        if not data.get("accept"):
            return _("Declined")
        return _("Accepted with: %(delegates)s") % {"delegates": ", ".join(data.get("delegates") or [])}
    if entry.action == "invitation.revoked":
        return _("Reason: %(reason)s") % {"reason": data.get("reason") or "—"}
    if entry.action == "invitation.sent":
        return _("Letter %(number)s, sending no. %(send)s") % {
            "number": data.get("document", ""),
            "send": data.get("send", ""),
        }
    return ", ".join(f"{key}: {value}" for key, value in data.items())


@never_cache
@require_GET
@login_required
def invitation_detail(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    invitation = _invitation(conference, pk)
    # The invitation's own history; the outbox keys every notice about it with this prefix.
    audit = AuditEntry.objects.filter(
        conference=conference, object_type="invitation", object_id=str(invitation.pk)
    ).select_related("actor")
    notices = Notification.objects.filter(
        conference=conference, idempotency_key__startswith=f"invitation:{invitation.pk}:"
    ).order_by("-created_at")
    context = {
        "conference": conference,
        "invitation": invitation,
        "delegates": list(invitation_delegates(invitation=invitation)),
        "links": InvitationLink.objects.filter(invitation=invitation).order_by("-created_at"),
        "notices": notices,
        "audit": [
            {
                "entry": entry,
                "action": AUDIT_ACTIONS.get(entry.action, entry.action),
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
    invitation = _invitation(conference, pk)
    try:
        # One invitation sent by hand goes at once; only bulk sends wait for approval.
        rows = invitation_send(invitation=invitation, actor=request.user, hold=False)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(_back(request, conference, invitation))
    invitation.refresh_from_db(fields=["document", "send_count"])
    messages.success(
        request,
        ngettext(
            "Invitation %(number)s sent to %(name)s (%(count)d e-mail).",
            "Invitation %(number)s sent to %(name)s (%(count)d e-mails).",
            len(rows),
        )
        % {"number": invitation.document.formatted, "name": invitation.invitee_name, "count": len(rows)},
    )
    return redirect(_back(request, conference, invitation))


@require_POST
@login_required
def invitation_remind_view(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    invitation = _invitation(conference, pk)
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
    invitation = _invitation(conference, pk)
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


@require_GET
@login_required
def invitation_letter(request, slug: str, pk: int):
    """The letter PDF. Before the first send it has no number yet and is marked as a draft."""
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    invitation = _invitation(conference, pk)
    from conferences.documents.invitation_letter import invitation_letter_filename, render_invitation_letter

    pdf = render_invitation_letter(invitation)
    if invitation.document_id:
        filename = invitation_letter_filename(invitation)
    else:
        filename = f"giay-moi-du-thao-{invitation.pk}.pdf"
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# Answering for an agency (a reply by phone) ------------------------------------------------------------


def _current_answer(invitation: Invitation, delegates: list) -> tuple[dict, list[dict]]:
    answer = {Invitation.Status.ACCEPTED: ACCEPT, Invitation.Status.DECLINED: DECLINE}.get(invitation.status)
    presenter = next(
        (row for row, r in enumerate(delegates) if r.person_id == invitation.paper_presenter_id), None
    )
    rows = [
        {
            "full_name": r.person.full_name,
            "position": r.person.position,
            "email": r.person.email,
            "phone": r.person.phone,
        }
        for r in delegates[: invitation.delegate_quota]
    ]
    return {"answer": answer, "presenter": presenter}, rows


def _record_answer(request, invitation: Invitation, form: RsvpForm, formset) -> bool:
    """Validate and record the answer for the agency; on refusal put the reasons on the form."""
    if not form.is_valid() or (form.accepts and not formset.is_valid()):
        return False
    delegates, presenter_email = [], ""
    if form.accepts:
        filled = formset.filled_forms()
        delegates = [row.delegate() for row in filled]
        presenter = form.cleaned_data["presenter"] if invitation.paper_requested else None
        if presenter is not None:
            rows = formset.forms
            if presenter >= len(rows) or rows[presenter].is_blank:
                form.add_error("presenter", _("Choose the presenter among the delegates named."))
                return False
            presenter_email = rows[presenter].cleaned_data["email"]
    try:
        rsvp_submit(
            invitation=invitation,
            accept=form.accepts,
            delegates=delegates,
            presenter_email=presenter_email,
            actor=request.user,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, field_messages in exc.message_dict.items():
                form.add_error("presenter" if field == "presenter_email" else None, field_messages)
        else:
            form.add_error(None, exc.messages)
        return False
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return False
    return True


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def invitation_answer(request, slug: str, pk: int):
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    invitation = _invitation(conference, pk)
    if invitation.status == Invitation.Status.REVOKED:
        messages.error(request, _("This invitation has been revoked; it cannot be answered."))
        return redirect("conferences:organizer-invitation", slug=conference.slug, pk=invitation.pk)
    delegates = list(invitation_delegates(invitation=invitation))
    if request.method == "POST":
        form = RsvpForm(request.POST, invitation=invitation)
        formset = delegate_formset(invitation=invitation, data=request.POST)
        if _record_answer(request, invitation, form, formset):
            invitation.refresh_from_db(fields=["status"])
            if invitation.status == Invitation.Status.ACCEPTED:
                text = _("The acceptance of %(name)s is recorded; the delegates get their confirmations.")
            else:
                text = _("%(name)s will not attend: the answer is recorded.")
            messages.success(request, text % {"name": invitation.invitee_name})
            return redirect("conferences:organizer-invitation", slug=conference.slug, pk=invitation.pk)
    else:
        initial, rows = _current_answer(invitation, delegates)
        form = RsvpForm(initial=initial, invitation=invitation)
        formset = delegate_formset(invitation=invitation, initial=rows)
    presenter_value = form["presenter"].value()
    context = {
        "conference": conference,
        "invitation": invitation,
        "delegates": delegates,
        "form": form,
        "formset": formset,
        "rows": [{"form": row, "number": n + 1, "value": str(n)} for n, row in enumerate(formset.forms)],
        "selected_presenter": "" if presenter_value in (None, "") else str(presenter_value),
        "deadline_passed": bool(conference.rsvp_deadline and conference.rsvp_deadline < timezone.now()),
    }
    return render(
        request,
        "conferences/organizer/invitation_answer.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


# The reception desk's delegate list --------------------------------------------------------------------


def _delegate_export(request, slug: str, extension: str) -> HttpResponse:
    conference = organized_conference(request, slug, MANAGE_INVITATIONS)
    rows = exports.delegate_rows(delegate_list(conference=conference))
    if extension == "csv":
        content, content_type = exports.delegates_csv(rows), exports.CSV_CONTENT_TYPE
    else:
        content, content_type = (
            exports.delegates_xlsx(rows, title=conference.title_vi),
            exports.XLSX_CONTENT_TYPE,
        )
    filename = exports.export_filename(conference.slug, extension)
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@require_GET
@login_required
def delegates_csv(request, slug: str):
    return _delegate_export(request, slug, "csv")


@require_GET
@login_required
def delegates_xlsx(request, slug: str):
    return _delegate_export(request, slug, "xlsx")
