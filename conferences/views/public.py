"""Pages anyone can read: published conferences, their agenda and awards, certificate checks."""

from django.http import Http404
from django.shortcuts import redirect, render

from conferences.exports.agenda import agenda_days
from conferences.models import CallForPapers, Conference
from conferences.selectors.agenda_versions import agenda_current_version
from conferences.selectors.awards import award_list_for_conference
from conferences.selectors.certificates import (
    TYPED_CODE_MAX_CHARS,
    certificate_get_by_code,
    certificate_issuer,
    verification_code_is_wellformed,
    verification_code_normalize,
)
from conferences.selectors.conferences import (
    conference_get_for_user,
    conference_list_public,
    conference_stats,
    user_is_organizer,
)
from conferences.selectors.notices import conference_notice_counts
from conferences.selectors.papers import call_for_papers_get, call_state
from conferences.services.guess_limits import CERTIFICATE_CODES, guess_limit_reached, guess_miss_record
from core.http import client_ip


def home(request):
    conferences = conference_list_public()
    return render(request, "conferences/home.html", {"conferences": conferences})


def conference_detail(request, slug: str):
    try:
        conference = conference_get_for_user(slug=slug, user=request.user)
    except Conference.DoesNotExist as exc:
        raise Http404 from exc
    is_organizer = user_is_organizer(user=request.user, conference=conference)
    # The published agenda, never the working items organizers are still editing.
    agenda_version = agenda_current_version(conference)
    context = {
        "conference": conference,
        "rooms": conference.rooms.all(),
        "agenda_version": agenda_version,
        "agenda_days": agenda_days(agenda_version.items) if agenda_version else [],
        "awards": award_list_for_conference(conference=conference),
        "call": _call(conference),
        "is_organizer": is_organizer,
        "stats": conference_stats(conference=conference) if is_organizer else None,
        "notification_counts": conference_notice_counts(conference=conference) if is_organizer else None,
    }
    return render(request, "conferences/conference_detail.html", context)


def _call(conference: Conference):
    try:
        return call_state(call_for_papers_get(conference))
    except CallForPapers.DoesNotExist:  # A conference written without conference_create.
        return None


def certificate_verify(request, code: str = ""):
    client = client_ip(request)
    if guess_limit_reached(limit=CERTIFICATE_CODES, client=client):
        response = render(request, "conferences/certificate_verify.html", {"too_many": True}, status=429)
        response["Retry-After"] = str(CERTIFICATE_CODES.window_seconds)
        return response
    typed = request.GET.get("code", "")
    if typed:
        if verification_code_is_wellformed(typed):
            return redirect("conferences:certificate-verify", code=verification_code_normalize(typed))
        code = typed.strip()  # Nothing usable was typed: the empty form, or "no such certificate".
    # A malformed code (of any length) is "no such certificate" without a query.
    certificate = certificate_get_by_code(code=code) if code else None
    status = 404 if code and certificate is None else 200
    if status == 404:
        guess_miss_record(limit=CERTIFICATE_CODES, client=client)
    context = {
        "code": code[:TYPED_CODE_MAX_CHARS],
        "certificate": certificate,
        "issuer": certificate_issuer(certificate) if certificate else None,
    }
    return render(request, "conferences/certificate_verify.html", context, status=status)
