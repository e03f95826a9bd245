"""The published agenda for everyone: its page, its history, old versions, and the PDF, ICS and JSON.

Drafts are visible to their organizers only (404 for everyone else). Before the
first version is published the page says so; the exports answer 404.
"""

import functools

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from conferences.exports.agenda import (
    ICS_CONTENT_TYPE,
    MEMORY_SLOTS,
    agenda_days,
    agenda_export_view,
    agenda_ics_response,
    agenda_json_response,
    agenda_pdf_response,
    change_text,
    person_calendar,
    request_agenda_head,
)
from conferences.models import AgendaVersion, Conference
from conferences.selectors.agenda_versions import agenda_current_version, agenda_version_list
from conferences.selectors.conferences import conference_get_for_user
from conferences.selectors.invitations import registration_get_by_token
from conferences.views.links import opened_by_link


def _conference(request, slug: str) -> Conference:
    try:
        return conference_get_for_user(slug=slug, user=request.user)
    except Conference.DoesNotExist as exc:
        raise Http404 from exc


def _agenda_html(conference: Conference, version: AgendaVersion | None, current_number: int) -> str:
    context = {
        "conference": conference,
        "version": version,
        "current_number": current_number,
        "is_current": version is not None and version.number == current_number,
        "days": agenda_days(version.items) if version is not None else [],
        "LANGUAGE_CODE": translation.get_language(),
    }
    return render_to_string("conferences/_agenda_version.html", context)


@functools.lru_cache(maxsize=MEMORY_SLOTS)
def _current_agenda(version_id: int, stamp: str, language: str) -> tuple[str, bytes]:
    """The conference's title and the current version's article (UTF-8), rendered once per process.

    The key changes with each version, each edit of the conference and each language.
    """
    version = AgendaVersion.objects.select_related("conference").get(pk=version_id)
    return version.conference.title, _agenda_html(version.conference, version, version.number).encode()


# Stands for the article in the rendered page; escaped text can never contain it.
ARTICLE_PLACEHOLDER = "<!--agenda-article-->"


def _page(request, title: str, article: bytes):
    """The page around an article already rendered and encoded.

    Sending a few hundred kilobytes of HTML through the template engine and the
    encoder on every request would cost more than everything else the page does:
    the article's bytes are put in place of a placeholder instead.
    """
    context = {"conference_title": title, "agenda_html": mark_safe(ARTICLE_PLACEHOLDER)}
    before, after = render_to_string("conferences/agenda.html", context, request).split(
        ARTICLE_PLACEHOLDER, 1
    )
    return HttpResponse(b"".join((before.encode(), article, after.encode())))


@require_safe
def agenda_page(request, slug: str):
    head = request_agenda_head(request, slug)
    if head is None:  # Nothing published yet, or no conference this user may see (404).
        conference = _conference(request, slug)
        return _page(request, conference.title, _agenda_html(conference, None, 0).encode())
    language = translation.get_language()
    if not _is_plain_visitor(request):
        return _page(request, *_current_agenda(head.version_id, head.stamp, language))
    # A visitor without a session or pending messages sees exactly what every such visitor of
    # this path sees: the whole page is kept per version, edit, language and path.
    key = (head.version_id, head.stamp, language, request.get_full_path())
    body = _anonymous_pages.get(key)
    if body is None:
        body = _page(request, *_current_agenda(*key[:3])).content
        _anonymous_pages[key] = body
        while len(_anonymous_pages) > MEMORY_SLOTS:
            _anonymous_pages.pop(next(iter(_anonymous_pages)))
    return HttpResponse(body)


_anonymous_pages: dict[tuple, bytes] = {}


def _is_plain_visitor(request) -> bool:
    return not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get(CookieStorage.cookie_name)
    )


@require_safe
def agenda_version_page(request, slug: str, number: int):
    conference = _conference(request, slug)
    versions = list(agenda_version_list(conference).only("id", "number", "published_at"))
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        raise Http404
    # The items are read (one query) only now, for this version alone.
    article = _agenda_html(conference, version, versions[0].number).encode()
    return _page(request, conference.title, article)


@require_safe
def agenda_history(request, slug: str):
    conference = _conference(request, slug)
    versions = [
        {"version": version, "changes": [change_text(change) for change in version.changelog]}
        for version in agenda_version_list(conference)
    ]
    return render(
        request, "conferences/agenda_history.html", {"conference": conference, "versions": versions}
    )


agenda_json = require_safe(agenda_export_view(agenda_json_response))
agenda_ics = require_safe(agenda_export_view(agenda_ics_response))
agenda_pdf = require_safe(agenda_export_view(agenda_pdf_response))


@never_cache
@require_safe
@opened_by_link(registration_get_by_token)
def delegate_agenda_ics(request, registration, token: str):
    """The delegate's own items (where they speak or chair), opened by their personal link."""
    conference = registration.conference
    calendar = person_calendar(
        conference=conference,
        version=agenda_current_version(conference),
        person_id=registration.person_id,
    )
    response = HttpResponse(calendar, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="chuong-trinh-{conference.slug}-ca-nhan.ics"'
    return response
