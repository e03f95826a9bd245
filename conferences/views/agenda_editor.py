"""The organizer's agenda editor: build the working agenda, check it, publish it as a version.

Every write goes through conferences.services.agenda and agenda_publishing; a
ValidationError or ApplicationError comes back as a form error or a message,
and a form with errors is shown again with what was typed.
"""

import datetime
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from conferences.forms.agenda import AgendaFillForm, AgendaItemForm, AgendaMoveForm, add_service_errors
from conferences.models import AgendaItem, Conference
from conferences.selectors.agenda import agenda_item_list, agenda_papers
from conferences.selectors.agenda_versions import agenda_current_version
from conferences.selectors.notices import agenda_notice_count
from conferences.services.agenda import (
    agenda_fill_from_papers,
    agenda_item_create,
    agenda_item_delete,
    agenda_item_duplicate,
    agenda_item_move,
    agenda_item_shift,
    agenda_item_update,
    agenda_time_outside_days,
)
from conferences.services.agenda_publishing import agenda_check, agenda_publish
from conferences.views.access import organized_conference
from core.exceptions import ApplicationError

DEFAULT_SLOT = datetime.timedelta(minutes=15)

EDIT_AGENDA = gettext_lazy("Only the organizers of this conference can edit its agenda.")


# Access ------------------------------------------------------------------------------------------------


def _item(conference: Conference, pk: int) -> AgendaItem:
    try:
        return agenda_item_list(conference=conference).get(pk=pk)
    except AgendaItem.DoesNotExist as exc:
        raise Http404 from exc


def _editor_url(conference: Conference, item: AgendaItem | None = None) -> str:
    url = reverse("conferences:agenda-editor", kwargs={"slug": conference.slug})
    return f"{url}#item-{item.pk}" if item is not None else url


# The editor page ---------------------------------------------------------------------------------------


def _rows(items: list[AgendaItem], flagged: dict[int, str]) -> list[dict]:
    """Days of table rows; an item can go up or down only among the items that start with it."""
    rows = []
    for _start, same_start in groupby(items, key=lambda i: i.starts_at):
        group = list(same_start)
        for index, item in enumerate(group):
            rows.append(
                {
                    "item": item,
                    "can_go_up": index > 0,
                    "can_go_down": index < len(group) - 1,
                    "flag": flagged.get(item.pk, ""),
                }
            )
    return [
        {"date": date, "rows": list(day_rows)}
        for date, day_rows in groupby(rows, key=lambda r: timezone.localtime(r["item"].starts_at).date())
    ]


def _issues(entries: list[dict], by_id: dict[int, AgendaItem]) -> list[dict]:
    return [
        {**entry, "named_items": [by_id[pk] for pk in entry["items"] if pk in by_id]} for entry in entries
    ]


def _render_editor(
    request,
    conference: Conference,
    *,
    item_form: AgendaItemForm | None = None,
    fill_form: AgendaFillForm | None = None,
    status: int = 200,
) -> HttpResponse:
    items = list(agenda_item_list(conference=conference))
    check = agenda_check(conference=conference, items=items)
    by_id = {item.pk: item for item in items}
    flagged = {pk: "warning" for entry in check.warnings for pk in entry["items"]}
    flagged |= {pk: "error" for entry in check.errors for pk in entry["items"]}
    # Items outside the conference's days (stored before the rule, flagged by the check) are left out:
    # a time such as 9999-12-31 23:50 plus a slot would overflow.
    next_start = max(
        (i.ends_at for i in items if not agenda_time_outside_days(conference=conference, when=i.ends_at)),
        default=conference.starts_at,
    )
    if item_form is None:
        item_form = AgendaItemForm(
            conference=conference, initial={"starts_at": next_start, "ends_at": next_start + DEFAULT_SLOT}
        )
    if fill_form is None:
        fill_form = AgendaFillForm(conference=conference, initial={"starts_at": next_start})
    latest = agenda_current_version(conference, with_items=False)
    # The latest version's change notices: being written by a worker, or how many it wrote.
    latest_notices = (
        agenda_notice_count(version=latest)
        if latest is not None and latest.number > 1 and latest.prepared_at is not None
        else None
    )
    context = {
        "conference": conference,
        "days": _rows(items, flagged),
        "item_count": len(items),
        "errors": _issues(check.errors, by_id),
        "warnings": _issues(check.warnings, by_id),
        "latest_version": latest,
        "latest_notices": latest_notices,
        "next_version_number": latest.number + 1 if latest else 1,
        "papers_to_place": agenda_papers(conference=conference).count(),
        "item_form": item_form,
        "fill_form": fill_form,
    }
    return render(request, "conferences/organizer/agenda_editor.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_editor(request, slug: str):
    """The working agenda with its checks; a POST adds an item."""
    conference = organized_conference(request, slug, EDIT_AGENDA)
    if request.method == "GET":
        return _render_editor(request, conference)
    form = AgendaItemForm(request.POST, conference=conference)
    if form.is_valid():
        try:
            item = agenda_item_create(conference=conference, **form.service_arguments())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(title)s” was added to the agenda.") % {"title": item.title})
            return redirect(_editor_url(conference, item))
    return _render_editor(request, conference, item_form=form, status=400)


# One item ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, slug: str, pk: int):
    conference = organized_conference(request, slug, EDIT_AGENDA)
    item = _item(conference, pk)
    if request.method == "GET":
        form = AgendaItemForm(conference=conference, item=item)
        return _render_item_page(request, "agenda_item_form.html", conference, item, form)
    form = AgendaItemForm(request.POST, conference=conference, item=item)
    if form.is_valid():
        arguments = form.service_arguments()
        try:
            item = agenda_item_update(item=item, speakers=arguments.pop("speakers"), **arguments)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(title)s” was saved.") % {"title": item.title})
            return redirect(_editor_url(conference, item))
    return _render_item_page(request, "agenda_item_form.html", conference, item, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_move_view(request, slug: str, pk: int):
    conference = organized_conference(request, slug, EDIT_AGENDA)
    item = _item(conference, pk)
    if request.method == "GET":
        form = AgendaMoveForm(conference=conference, initial={"starts_at": item.starts_at})
        return _render_item_page(request, "agenda_item_move.html", conference, item, form)
    form = AgendaMoveForm(request.POST, conference=conference)
    if form.is_valid():
        try:
            item = agenda_item_move(
                item=item, starts_at=form.cleaned_data["starts_at"], room=form.cleaned_data["room"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            start = timezone.localtime(item.starts_at)
            messages.success(
                request,
                _("“%(title)s” now starts at %(time)s.") % {"title": item.title, "time": f"{start:%H:%M}"},
            )
            return redirect(_editor_url(conference, item))
    return _render_item_page(request, "agenda_item_move.html", conference, item, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_delete_view(request, slug: str, pk: int):
    """GET asks for confirmation; POST deletes."""
    conference = organized_conference(request, slug, EDIT_AGENDA)
    item = _item(conference, pk)
    if request.method == "GET":
        return _render_item_page(request, "agenda_item_delete.html", conference, item, None)
    agenda_item_delete(item=item)
    messages.success(request, _("“%(title)s” was removed from the agenda.") % {"title": item.title})
    return redirect(_editor_url(conference))


def _render_item_page(request, template: str, conference, item, form, status: int = 200) -> HttpResponse:
    context = {"conference": conference, "item": item, "form": form}
    return render(request, f"conferences/organizer/{template}", context, status=status)


@require_POST
@login_required
def agenda_item_duplicate_view(request, slug: str, pk: int):
    conference = organized_conference(request, slug, EDIT_AGENDA)
    item = _item(conference, pk)
    try:
        copy = agenda_item_duplicate(item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_editor_url(conference, item))
    messages.success(request, _("“%(title)s” was duplicated.") % {"title": item.title})
    return redirect(_editor_url(conference, copy))


@require_POST
@login_required
def agenda_item_reorder_view(request, slug: str, pk: int):
    """Swap an item with its neighbour among the items that start at the same time."""
    conference = organized_conference(request, slug, EDIT_AGENDA)
    item = _item(conference, pk)
    try:
        agenda_item_shift(item=item, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_editor_url(conference, item))


# The whole agenda --------------------------------------------------------------------------------------


@require_POST
@login_required
def agenda_fill(request, slug: str):
    """Quick fill: one slot per accepted paper not yet on the agenda."""
    conference = organized_conference(request, slug, EDIT_AGENDA)
    form = AgendaFillForm(request.POST, conference=conference)
    if form.is_valid():
        try:
            created = agenda_fill_from_papers(conference=conference, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d paper was put on the agenda.",
                        "%(count)d papers were put on the agenda.",
                        len(created),
                    )
                    % {"count": len(created)},
                )
            else:
                messages.info(request, _("Every accepted paper is already on the agenda."))
            return redirect(_editor_url(conference))
    return _render_editor(request, conference, fill_form=form, status=400)


@require_POST
@login_required
def agenda_publish_view(request, slug: str):
    conference = organized_conference(request, slug, EDIT_AGENDA)
    try:
        version = agenda_publish(conference=conference, actor=request.user)
    except ApplicationError as exc:
        problems = exc.extra.get("errors", [])
        if problems:
            listed = format_html_join("", "<li>{}</li>", ((problem["message"],) for problem in problems))
            messages.error(request, format_html("{}<ul>{}</ul>", exc.message, listed))
        else:
            messages.error(request, exc.message)
        return redirect(_editor_url(conference))
    version.refresh_from_db(fields=["prepared_at"])
    if version.prepared_at is None and version.number > 1:
        # A worker writes them after the commit (at once when tasks run eagerly, as in a demo).
        text = _("Version %(number)d published; its change notices are being written.") % {
            "number": version.number
        }
    else:
        notices = agenda_notice_count(version=version)
        text = ngettext(
            "Version %(number)d published; %(count)d notice written.",
            "Version %(number)d published; %(count)d notices written.",
            notices,
        ) % {"number": version.number, "count": notices}
    outbox = reverse("conferences:outbox", kwargs={"slug": conference.slug})
    messages.success(request, format_html('{} <a href="{}">{}</a>', text, outbox, _("Open the outbox")))
    return redirect(_editor_url(conference))
