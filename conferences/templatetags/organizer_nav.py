"""The navigation of the organizer pages of one conference, shared by every page through its layout.

`SECTIONS` is the one list of those pages: a label, the URL names tried in turn for the link
(pages other parts of the site add later simply appear once their name resolves), an optional
query or fragment, and the URL-name prefixes that make a section the current one. The first
section whose prefix matches the page is current, so a more specific prefix comes first.
"""

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_names: tuple[str, ...]
    current_prefixes: tuple[str, ...] = ()
    suffix: str = ""  # a query string or fragment added to the link


SECTIONS = (
    Section("dashboard", _("Overview"), ("organizer-dashboard",), ("organizer-dashboard",)),
    Section(
        "settings",
        _("Settings"),
        ("conference-edit",),
        ("conference-edit", "conference-room", "conference-publish", "conference-close"),
    ),
    Section("team", _("Team"), ("conference-team",), ("conference-team",)),
    # Answers come before invitations: both pages' names start with "organizer-invitation".
    Section(
        "answers",
        _("Answers and delegates"),
        ("organizer-delegates", "organizer-invitations"),
        ("organizer-delegates", "organizer-invitation-answer"),
    ),
    Section(
        "invitations",
        _("Invitations"),
        ("organizer-invitations",),
        ("organizer-invitation",),
    ),
    Section("call", _("Call for papers"), ("organizer-call-for-papers",), ("organizer-call-for-papers",)),
    Section("reviewers", _("Reviewers"), ("organizer-reviewers",), ("organizer-reviewer",)),
    Section("assignments", _("Assignments"), ("organizer-assignments",), ("organizer-assignments",)),
    Section(
        "papers",
        _("Papers"),
        ("organizer-papers",),
        ("organizer-paper", "organizer-revision", "organizer-review"),
    ),
    Section(
        "agenda",
        _("Agenda"),
        ("agenda-editor",),
        ("agenda-editor", "agenda-fill", "agenda-publish", "agenda-item"),
    ),
    Section("awards", _("Awards"), ("organizer-awards",), ("organizer-award",)),
    Section("nominations", _("Nominations"), ("organizer-nominations",), ("organizer-nomination",)),
    Section("ceremony", _("Ceremony"), ("organizer-ceremony",), ("organizer-ceremony",)),
    Section("certificates", _("Certificates"), ("organizer-certificates",), ("organizer-certificate",)),
    Section("check-in", _("Check-in"), ("organizer-check-in",), ("organizer-check-in",)),
    Section("proceedings", _("Proceedings"), ("organizer-proceedings",), ("organizer-proceedings",)),
    Section("notices", _("Notices"), ("outbox",), ("outbox", "notification")),
    Section("exports", _("Exports"), ("organizer-dashboard",), (), "#exports"),
)

# The answers link falls back to the invitations page showing the agencies that said yes.
_FALLBACK_SUFFIX = {("answers", "organizer-invitations"): "?state=accepted"}


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str
    url: str
    current: str  # the aria-current value: "page" on the section's own page, "true" on its sub-pages, or ""


def _link(section: Section, slug: str) -> tuple[str, str] | None:
    for name in section.url_names:
        try:
            url = reverse(f"conferences:{name}", kwargs={"slug": slug})
        except NoReverseMatch:
            continue
        return url, _FALLBACK_SUFFIX.get((section.key, name), section.suffix)
    return None


def _current_key(url_name: str) -> str:
    for section in SECTIONS:
        if any(url_name.startswith(prefix) for prefix in section.current_prefixes):
            return section.key
    return ""


def organizer_links(*, slug: str, url_name: str, path: str = "") -> list[NavLink]:
    """The organizer pages of the conference `slug` that exist, the one `url_name` belongs to marked."""
    current_key = _current_key(url_name)
    links = []
    for section in SECTIONS:
        found = _link(section, slug)
        if found is not None:
            url, suffix = found
            current = ("page" if url == path else "true") if section.key == current_key else ""
            links.append(NavLink(section.key, str(section.label), url + suffix, current))
    return links


@register.inclusion_tag("conferences/organizer/_nav.html", takes_context=True)
def organizer_nav(context, conference):
    request = context["request"]
    match = getattr(request, "resolver_match", None)
    url_name = match.url_name if match is not None and match.url_name else ""
    links = organizer_links(slug=conference.slug, url_name=url_name, path=request.path)
    return {"links": links, "conference": conference}
