"""The access matrix: who may use every route of the site and of the API, checked by live requests.

TABLE declares, for every named route (pages and API) and every method it serves, the roles
allowed to use it. The test walks the URL configuration and fails when a route is missing from
the table, so a route added later cannot ship without its line here; then it makes every request
as every role, on the data of two conferences (X, the demo's finished 2021 conference; Y, the
demo's upcoming one), and compares what happened with the table.

A request counts as refused when it answers 401, 403 or 404, or sends the visitor to a sign-in
page; anything else below 500 counts as allowed (a write with an empty body that answers 400 has
passed the access check and failed validation, which is what an allowed role should see). A 5xx
or a 405 for a declared method fails the test whatever the role. Every request runs in a
savepoint that is rolled back, so the requests do not change each other's data.

Links carry their own credential. The agency's RSVP link and the delegate's personal link are
given to the roles that hold one (agency A's RSVP link to `delegate_a`, agency B's to `delegate_b`;
the personal link of A's delegate, who wrote paper P, to `attendee`, and B's delegate's to
`delegate_b`); every other role tries the same URL with a link that does not exist. Invitation
links to join a conference's team are held by everyone who tries them: holding the link is
what allows.
"""

import dataclasses
import itertools
import json
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from conferences import demo
from conferences.models import (
    AgendaItem,
    Award,
    Certificate,
    ConferenceRole,
    Invitation,
    Job,
    Organization,
    Registration,
    ReviewAssignment,
    ReviewerInvitation,
    Room,
)
from conferences.selectors.notices import conference_notice_scope
from conferences.services.api_tokens import api_token_create
from conferences.services.conferences import conference_role_grant
from conferences.services.invitation_sending import invitation_link_create
from core.tokens import token_new
from notifications.models import Notification

# Who may use a route is decided in the views and services, the same on any database: run once.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_only]

# The roles, in the order the README's table shows them.
ANONYMOUS = "anonymous"
ATTENDEE = "attendee"  # A's delegate: the personal link of their own registration in X
DELEGATE_A = "delegate_a"  # agency A's RSVP link for X
DELEGATE_B = "delegate_b"  # agency B's RSVP link for X, and B's delegate's personal link
REVIEWER = "reviewer"  # reviewer of X, assigned to paper P
REVIEWER_OTHER = "reviewer_other"  # reviewer of X, not assigned to paper P
ORGANIZER_X = "organizer_x"
ORGANIZER_Y = "organizer_y"
STAFF = "staff"  # staff, organizes nothing, no model permissions
SUPERUSER = "superuser"
# Personal API tokens (`Authorization: Bearer hn_...`, no session). Their columns are not written in
# TABLE but derived from it by token_allowed() below, with TOKEN_OVERRIDES for the exceptions.
TOKEN_Y = "token_y"  # read-write, scoped to Y, of a user who organizes both X and Y
TOKEN_READ_ONLY = "token_read_only"  # read-only, every conference, of an organizer of X
TOKEN_ROLES = (TOKEN_Y, TOKEN_READ_ONLY)
ROLES = (
    ANONYMOUS,
    ATTENDEE,
    DELEGATE_A,
    DELEGATE_B,
    REVIEWER,
    REVIEWER_OTHER,
    ORGANIZER_X,
    ORGANIZER_Y,
    STAFF,
    SUPERUSER,
    *TOKEN_ROLES,
)
SIGNED_IN = frozenset({REVIEWER, REVIEWER_OTHER, ORGANIZER_X, ORGANIZER_Y, STAFF, SUPERUSER})

EVERYONE = frozenset(ROLES)
ACCOUNTS = SIGNED_IN
ORGANIZERS = frozenset({ORGANIZER_X, SUPERUSER})
# Pages any organizer or reviewer of some conference may open (their own home pages).
REVIEWERS_OF_X = frozenset({REVIEWER, REVIEWER_OTHER})
ASSIGNED = frozenset({REVIEWER})
ORGANIZERS_AND_REVIEWERS = ORGANIZERS | REVIEWERS_OF_X
STAFF_ONLY = frozenset({STAFF, SUPERUSER})
SUPERUSER_ONLY = frozenset({SUPERUSER})
NOBODY = frozenset()

# Which link a role holds, by the kind of link a route takes (see the module's docstring).
RSVP_LINK = {DELEGATE_A: "rsvp_a", DELEGATE_B: "rsvp_b"}
DELEGATE_LINK = {ATTENDEE: "delegate_a", DELEGATE_B: "delegate_b"}
RSVP_HOLDERS = frozenset(RSVP_LINK)
DELEGATE_HOLDERS = frozenset(DELEGATE_LINK)
PAPER_AUTHOR = frozenset({ATTENDEE})


@dataclasses.dataclass(frozen=True)
class Route:
    """One named route: its methods with the roles allowed, and where its URL's arguments come from.

    `kwargs` maps an argument of the URL to a key of the seeded ids; `link` names the kind of
    link the URL's `token` is ("rsvp", "delegate", or "invite": held by everyone).
    """

    name: str
    methods: dict[str, frozenset[str]]
    kwargs: dict[str, str] = dataclasses.field(default_factory=dict)
    link: str = ""
    query: str = ""  # appended to the URL, formatted with the seeded ids
    data: dict | None = None  # the JSON body of a write, its strings formatted with the seeded ids
    shows: str = ""  # a list filtered to what the user may see: allowed only if it shows this object
    changes: str = ""  # a bulk write filtered to what the user may change: allowed only if it counts one


SCOPED_SPEC = ("query", "data", "shows")


def R(
    name: str,
    link: str = "",
    query: str = "",
    data: dict | None = None,
    shows: str = "",
    changes: str = "",
    **spec,
) -> Route:
    """R("conferences:detail", GET=EVERYONE, slug="x") -> Route; upper-case keys are methods."""
    methods = {key: value for key, value in spec.items() if key.isupper()}
    kwargs = {key: value for key, value in spec.items() if not key.isupper()}
    return Route(
        name=name,
        methods=methods,
        kwargs=kwargs,
        link=link,
        query=query,
        data=data,
        shows=shows,
        changes=changes,
    )


X = {"slug": "x"}
XC = {"conference_slug": "x"}

TABLE: list[Route] = [
    # ---- Public pages: everyone ----
    R("conferences:home", GET=EVERYONE),
    R("conferences:language", GET=EVERYONE, POST=EVERYONE, code="lang"),
    R("set_language", POST=EVERYONE),
    R("conferences:detail", GET=EVERYONE, **X),
    R("conferences:certificate-lookup", GET=EVERYONE),
    R("conferences:certificate-verify", GET=EVERYONE, code="certificate_code"),
    R("conferences:agenda", GET=EVERYONE, **X),
    R("conferences:agenda-history", GET=EVERYONE, **X),
    R("conferences:agenda-version", GET=EVERYONE, number="agenda_version", **X),
    R("conferences:agenda-pdf", GET=EVERYONE, **X),
    R("conferences:agenda-ics", GET=EVERYONE, **X),
    R("conferences:agenda-json", GET=EVERYONE, **X),
    R("conferences:ceremony-stage", GET=EVERYONE, **X),
    R("conferences:ceremony-state", GET=EVERYONE, **X),
    # ---- Signing in ----
    R("conferences:sign-in", GET=EVERYONE, POST=EVERYONE),
    R("conferences:sign-out", POST=EVERYONE),
    R("conferences:password-reset", GET=EVERYONE, POST=EVERYONE),
    R("conferences:password-reset-sent", GET=EVERYONE),
    R(
        "conferences:password-reset-confirm",
        GET=EVERYONE,
        POST=EVERYONE,
        uidb64="uidb64",
        token="reset_token",
    ),
    R("conferences:password-reset-complete", GET=EVERYONE),
    # ---- The agency's RSVP link, the delegate's personal link ----
    R("conferences:rsvp", link="rsvp", GET=RSVP_HOLDERS, POST=RSVP_HOLDERS),
    # Its POST checks the delegate in: an organizer's session holding the link (the QR at the door);
    # no role here holds both, so nobody may (tests/conferences/test_views_delegates.py has that case).
    R("conferences:delegate", link="delegate", GET=DELEGATE_HOLDERS, POST=NOBODY),
    R("conferences:delegate-agenda-ics", link="delegate", GET=DELEGATE_HOLDERS),
    R("conferences:delegate-e-ticket", link="delegate", GET=DELEGATE_HOLDERS),
    R("conferences:delegate-certificate", link="delegate", GET=PAPER_AUTHOR, serial="certificate_serial"),
    R("conferences:delegate-nominations", link="delegate", GET=DELEGATE_HOLDERS, POST=DELEGATE_HOLDERS),
    R("conferences:delegate-nomination-withdraw", link="delegate", POST=PAPER_AUTHOR, pk="nomination"),
    R("conferences:delegate-nomination-file", link="delegate", GET=PAPER_AUTHOR, pk="nomination"),
    R("conferences:delegate-paper-new", link="delegate", GET=DELEGATE_HOLDERS, POST=DELEGATE_HOLDERS),
    R("conferences:delegate-paper", link="delegate", GET=PAPER_AUTHOR, pk="paper"),
    R("conferences:delegate-paper-edit", link="delegate", GET=PAPER_AUTHOR, POST=PAPER_AUTHOR, pk="paper"),
    R("conferences:delegate-paper-withdraw", link="delegate", POST=PAPER_AUTHOR, pk="paper"),
    R("conferences:delegate-paper-figure-new", link="delegate", POST=PAPER_AUTHOR, pk="paper"),
    R("conferences:delegate-paper-figure", link="delegate", GET=PAPER_AUTHOR, pk="paper", figure_id="figure"),
    R(
        "conferences:delegate-paper-figure-delete",
        link="delegate",
        POST=PAPER_AUTHOR,
        pk="paper",
        figure_id="figure",
    ),
    R("conferences:delegate-paper-file", link="delegate", GET=PAPER_AUTHOR, pk="paper", number="revision"),
    # ---- Invitations to join a conference's team: the link is the credential ----
    R("conferences:team-accept", link="invite", GET=EVERYONE, POST=EVERYONE, token="team_token"),
    R("conferences:reviewer-accept", link="invite", GET=EVERYONE, POST=EVERYONE, token="reviewer_token"),
    # ---- Reviewers ----
    R("conferences:reviewer-home", GET=ACCOUNTS),
    R("conferences:reviewer-papers", GET=REVIEWERS_OF_X, **X),
    R("conferences:reviewer-paper", GET=ASSIGNED, POST=ASSIGNED, pk="paper", **X),
    R("conferences:reviewer-paper-file", GET=ASSIGNED, pk="paper", **X),
    R("conferences:panel-nominations", GET=REVIEWERS_OF_X, **X),
    R("conferences:panel-nomination", GET=REVIEWERS_OF_X, POST=REVIEWERS_OF_X, pk="nomination", **X),
    R("conferences:panel-nomination-file", GET=REVIEWERS_OF_X, pk="nomination", **X),
    # ---- The organizer's workspace ----
    R("conferences:workspace", GET=ACCOUNTS),
    R("conferences:api-tokens", GET=ACCOUNTS, POST=ACCOUNTS),
    R("conferences:api-token-revoke", GET={ORGANIZER_X}, POST={ORGANIZER_X}, pk="api_token"),
    R("conferences:conference-create", GET=SUPERUSER_ONLY, POST=SUPERUSER_ONLY),
    R("conferences:organizer-dashboard", GET=ORGANIZERS, **X),
    R("conferences:conference-edit", GET=ORGANIZERS, POST=ORGANIZERS, **X),
    R("conferences:conference-room-add", POST=ORGANIZERS, **X),
    R("conferences:conference-room-edit", POST=ORGANIZERS, pk="room", **X),
    R("conferences:conference-room-move", POST=ORGANIZERS, pk="room", **X),
    R("conferences:conference-room-remove", POST=ORGANIZERS, pk="room", **X),
    R("conferences:conference-publish", GET=ORGANIZERS, POST=ORGANIZERS, **X),
    R("conferences:conference-close", GET=ORGANIZERS, POST=ORGANIZERS, **X),
    R("conferences:conference-team", GET=ORGANIZERS, POST=ORGANIZERS, **X),
    R("conferences:conference-team-withdraw", GET=ORGANIZERS, POST=ORGANIZERS, pk="team_role", **X),
    R("conferences:conference-team-invitation", POST=ORGANIZERS, pk="team_invitation", **X),
    R("conferences:organizer-invitations", GET=ORGANIZERS, **X),
    R("conferences:organizer-invitations-send-selected", POST=ORGANIZERS, **X),
    R("conferences:organizer-invitations-bulk-create", POST=ORGANIZERS, **X),
    R("conferences:organizer-invitation", GET=ORGANIZERS, pk="invitation", **X),
    R("conferences:organizer-invitation-send", POST=ORGANIZERS, pk="invitation", **X),
    R("conferences:organizer-invitation-remind", POST=ORGANIZERS, pk="invitation", **X),
    R("conferences:organizer-invitation-revoke", POST=ORGANIZERS, pk="invitation", **X),
    R("conferences:organizer-invitation-answer", GET=ORGANIZERS, POST=ORGANIZERS, pk="invitation", **X),
    R("conferences:organizer-invitation-letter", GET=ORGANIZERS, pk="invitation", **X),
    R("conferences:organizer-delegates", GET=ORGANIZERS, **X),
    R("conferences:organizer-delegates-check-in", POST=ORGANIZERS, **X),
    R("conferences:organizer-delegates-csv", GET=ORGANIZERS, **X),
    R("conferences:organizer-delegates-xlsx", GET=ORGANIZERS, **X),
    R("conferences:organizer-call-for-papers", GET=ORGANIZERS, POST=ORGANIZERS, **X),
    R("conferences:organizer-certificates", GET=ORGANIZERS, **X),
    R("conferences:organizer-certificates-generate", POST=ORGANIZERS, **X),
    R("conferences:organizer-certificates-bulk", POST=ORGANIZERS, **X),
    R("conferences:organizer-certificate-revoke", POST=ORGANIZERS, pk="certificate", **X),
    R("conferences:organizer-certificate-reissue", POST=ORGANIZERS, pk="certificate", **X),
    R("conferences:organizer-certificate-file", GET=ORGANIZERS, pk="certificate", **X),
    R("conferences:organizer-proceedings", GET=ORGANIZERS, **X),
    R("conferences:organizer-proceedings-build", POST=ORGANIZERS, **X),
    R("conferences:organizer-proceedings-foreword", POST=ORGANIZERS, **X),
    R("conferences:organizer-proceedings-download", GET=ORGANIZERS, pk="proceedings", **X),
    R("conferences:organizer-check-in", GET=ORGANIZERS, POST=ORGANIZERS, **X),
    R("conferences:organizer-check-in-counts", GET=ORGANIZERS, **X),
    R("conferences:outbox", GET=ORGANIZERS, **X),
    R("conferences:outbox-action", POST=ORGANIZERS, **X),
    R("conferences:notification", GET=ORGANIZERS, pk="notification", **X),
    R("conferences:notification-resend", POST=ORGANIZERS, pk="notification", **X),
    R("conferences:organization-import", GET=STAFF_ONLY),
    R("conferences:organization-import-preview", GET=STAFF_ONLY),
    R("conferences:organization-import-commit", POST=STAFF_ONLY),
    R("conferences:organization-import-template", GET=STAFF_ONLY),
    R("conferences:agenda-editor", GET=ORGANIZERS, POST=ORGANIZERS, **X),
    R("conferences:agenda-fill", POST=ORGANIZERS, **X),
    R("conferences:agenda-publish", POST=ORGANIZERS, **X),
    R("conferences:agenda-item-edit", GET=ORGANIZERS, POST=ORGANIZERS, pk="agenda_item", **X),
    R("conferences:agenda-item-move", POST=ORGANIZERS, pk="agenda_item", **X),
    R("conferences:agenda-item-duplicate", POST=ORGANIZERS, pk="agenda_item", **X),
    R("conferences:agenda-item-reorder", POST=ORGANIZERS, pk="agenda_item", **X),
    R("conferences:agenda-item-delete", POST=ORGANIZERS, pk="agenda_item", **X),
    R("conferences:organizer-nominations", GET=ORGANIZERS, **X),
    R("conferences:organizer-nominations-approve", POST=ORGANIZERS, **X),
    R("conferences:organizer-nomination-reject", POST=ORGANIZERS, pk="nomination", **X),
    R("conferences:organizer-nomination-criteria", POST=ORGANIZERS, **X),
    R("conferences:organizer-nomination-file", GET=ORGANIZERS, pk="nomination", **X),
    R("conferences:organizer-reviewers", GET=ORGANIZERS, POST=ORGANIZERS, **X),
    R("conferences:organizer-reviewer-invitation", POST=ORGANIZERS, pk="reviewer_invitation", **X),
    R("conferences:organizer-reviewer-remove", POST=ORGANIZERS, user_id="reviewer_other_id", **X),
    R("conferences:organizer-reviewer-conflict", POST=ORGANIZERS, **X),
    R("conferences:organizer-assignments", GET=ORGANIZERS, **X),
    R("conferences:organizer-assignments-action", POST=ORGANIZERS, **X),
    R("conferences:organizer-papers", GET=ORGANIZERS, **X),
    R("conferences:organizer-papers-decide", POST=ORGANIZERS, **X),
    R("conferences:organizer-paper", GET=ORGANIZERS, POST=ORGANIZERS, pk="paper", **X),
    R("conferences:organizer-paper-figure", GET=ORGANIZERS, pk="paper", figure_id="figure", **X),
    R("conferences:organizer-paper-revision-file", GET=ORGANIZERS, pk="paper", number="revision", **X),
    R("conferences:organizer-revision-round-close", POST=ORGANIZERS, **X),
    R("conferences:organizer-papers-csv", GET=ORGANIZERS, **X),
    R("conferences:organizer-papers-xlsx", GET=ORGANIZERS, **X),
    R("conferences:organizer-reviews-csv", GET=ORGANIZERS, **X),
    R("conferences:organizer-reviews-xlsx", GET=ORGANIZERS, **X),
    R("conferences:organizer-review-summary", GET=ORGANIZERS, **X),
    R("conferences:organizer-paper-review-summary", GET=ORGANIZERS, pk="paper", **X),
    R("conferences:organizer-awards", GET=ORGANIZERS, POST=ORGANIZERS, **X),
    R("conferences:organizer-award-decision-pdf", GET=ORGANIZERS, pk="award_decision", **X),
    R("conferences:organizer-award-add", GET=ORGANIZERS, POST=ORGANIZERS, pk="award_decision", **X),
    R(
        "conferences:organizer-award-edit",
        GET=ORGANIZERS,
        POST=ORGANIZERS,
        pk="award_decision",
        award_pk="award",
        **X,
    ),
    R("conferences:organizer-award-delete", POST=ORGANIZERS, pk="award_decision", award_pk="award", **X),
    R("conferences:organizer-ceremony", GET=ORGANIZERS, **X),
    R("conferences:organizer-ceremony-advance", POST=ORGANIZERS, **X),
    R("conferences:organizer-ceremony-order", POST=ORGANIZERS, **X),
    R("conferences:organizer-ceremony-running-sheet", GET=ORGANIZERS, **X),
    # ---- API ----
    R("api-schema", GET=EVERYONE),
    R("api-docs", GET=EVERYONE),
    R("api-redoc", GET=EVERYONE),
    R("api:api-root", GET=EVERYONE),
    R("api:auth-token", POST=EVERYONE),
    R("api:api-token-list", GET=ACCOUNTS, POST=ACCOUNTS),
    R("api:api-token-detail", DELETE={ORGANIZER_X}, pk="api_token"),
    R("api:conference-list", GET=EVERYONE, POST=SUPERUSER_ONLY),
    R("api:conference-detail", GET=EVERYONE, PATCH=ORGANIZERS, slug="x"),
    R("api:conference-publish", POST=ORGANIZERS, slug="x"),
    R("api:conference-close", POST=ORGANIZERS, slug="x"),
    R("api:conference-team", GET=ORGANIZERS, POST=ORGANIZERS, **XC),
    R("api:conference-team-member", DELETE=ORGANIZERS, pk="team_role", **XC),
    R("api:rooms", GET=ORGANIZERS, POST=ORGANIZERS, **XC),
    R("api:rooms-reorder", POST=ORGANIZERS, **XC),
    R("api:room", PATCH=ORGANIZERS, DELETE=ORGANIZERS, pk="room", **XC),
    R("api:people", GET=ORGANIZERS, **XC),
    R("api:audit-log", GET=ORGANIZERS, **XC),
    R("api:proceedings-foreword", GET=ORGANIZERS, PUT=ORGANIZERS, **XC),
    R("api:revision-round-close", POST=ORGANIZERS, **XC),
    R(
        "api:reviewer-conflicts",
        POST=ORGANIZERS,
        data={"organization": "{organization}"},
        user_id="reviewer_other_id",
        **XC,
    ),
    R(
        "api:reviewer-conflict",
        DELETE=ORGANIZERS,
        user_id="reviewer_other_id",
        organization_id="organization",
        **XC,
    ),
    R("api:team-invitation-resend", POST=ORGANIZERS, pk="team_invitation", **XC),
    R("api:team-invitation-revoke", POST=ORGANIZERS, pk="team_invitation", **XC),
    R("api:check-in", POST=ORGANIZERS, **XC),
    R("api:check-in-counts", GET=ORGANIZERS, **XC),
    R("api:invitation-letter", GET=ORGANIZERS, pk="invitation", **XC),
    R("api:rsvp", link="rsvp", GET=RSVP_HOLDERS, POST=RSVP_HOLDERS),
    R("api:job", GET=ORGANIZERS, pk="job"),
    R("api:proceedings", GET=ORGANIZERS, POST=ORGANIZERS, **XC),
    R("api:proceedings-download", GET=ORGANIZERS, pk="proceedings", **XC),
    R("api:certificate-verify", GET=EVERYONE, code="certificate_code"),
    R("api:agenda", GET=EVERYONE, **XC),
    R("api:agenda-ics", GET=EVERYONE, **XC),
    R("api:agenda-pdf", GET=EVERYONE, **XC),
    R("api:agenda-versions", GET=EVERYONE, **XC),
    R("api:agenda-version", GET=EVERYONE, number="agenda_version", **XC),
    R("api:agenda-check", GET=ORGANIZERS, **XC),
    R("api:agenda-publish", POST=ORGANIZERS, **XC),
    R("api:call-for-papers", GET=EVERYONE, PATCH=ORGANIZERS, **XC),
    R("api:reviewers", GET=ORGANIZERS, POST=ORGANIZERS, **XC),
    R("api:reviewer", DELETE=ORGANIZERS, user_id="reviewer_other_id", **XC),
    R("api:review-assignments", GET=ORGANIZERS | ASSIGNED, POST=ORGANIZERS, shows="assignment", **XC),
    R("api:review-assignments-auto", POST=ORGANIZERS, **XC),
    R("api:review-assignment", DELETE=ORGANIZERS, pk="assignment", **XC),
    R("api:paper-reviews", GET=ORGANIZERS | ASSIGNED, POST=ASSIGNED, PUT=ASSIGNED, pk="paper", **XC),
    R("api:paper-figures", GET=ORGANIZERS | PAPER_AUTHOR, POST=PAPER_AUTHOR, pk="paper", **XC),
    R(
        "api:paper-figure",
        DELETE=PAPER_AUTHOR,
        pk="paper",
        figure_id="figure",
        **XC,
    ),
    R("api:paper-decision", GET=ORGANIZERS, PUT=ORGANIZERS, pk="paper", **XC),
    R("api:paper-export-csv", GET=ORGANIZERS, **XC),
    R("api:paper-export-xlsx", GET=ORGANIZERS, **XC),
    R("api:paper-reviews-csv", GET=ORGANIZERS, **XC),
    R("api:paper-reviews-xlsx", GET=ORGANIZERS, **XC),
    R("api:paper-review-summary", GET=ORGANIZERS, pk="paper", **XC),
    R("api:paper-review-summary-all", GET=ORGANIZERS, **XC),
    R("api:award-categories", GET=EVERYONE, POST=STAFF_ONLY, **XC),
    R("api:award-decisions", GET=ORGANIZERS, POST=ORGANIZERS, **XC),
    R("api:award-decision", GET=ORGANIZERS, PATCH=ORGANIZERS, pk="award_decision", **XC),
    R("api:award-decision-document", GET=ORGANIZERS, pk="award_decision", **XC),
    R("api:awards", GET=EVERYONE, POST=ORGANIZERS, **XC),
    R("api:award", GET=ORGANIZERS, PATCH=ORGANIZERS, DELETE=ORGANIZERS, pk="award", **XC),
    R("api:ceremony", GET=ORGANIZERS, **XC),
    R("api:ceremony-advance", POST=ORGANIZERS, **XC),
    R("api:ceremony-running-sheet", GET=ORGANIZERS, **XC),
    R("api:notification-list", GET=ORGANIZERS, shows="notification"),
    R("api:notification-approve", POST=ORGANIZERS, data={"ids": ["{held_notification}"]}, changes="approved"),
    R("api:notification-cancel", POST=ORGANIZERS, data={"ids": ["{held_notification}"]}, changes="cancelled"),
    R("api:notification-counts", GET=ORGANIZERS, query="conference={x}"),
    R("api:notification-detail", GET=ORGANIZERS, pk="notification"),
    R("api:notification-preview", GET=ORGANIZERS, pk="notification"),
    R("api:notification-resend", POST=ORGANIZERS, pk="notification"),
    R("api:organization-list", GET=ACCOUNTS, POST=STAFF_ONLY),
    R("api:organization-import", POST=STAFF_ONLY),
    R("api:organization-detail", GET=ACCOUNTS, PATCH=STAFF_ONLY, pk="organization"),
    R("api:invitation-list", GET=ORGANIZERS, POST=ORGANIZERS, **XC),
    R("api:invitation-bulk", POST=ORGANIZERS, **XC),
    R("api:invitation-counts", GET=ORGANIZERS, **XC),
    R("api:invitation-send-many", POST=ORGANIZERS, **XC),
    R("api:invitation-detail", GET=ORGANIZERS, PATCH=ORGANIZERS, pk="invitation", **XC),
    R("api:invitation-answer", POST=ORGANIZERS, pk="invitation", **XC),
    R("api:invitation-remind", POST=ORGANIZERS, pk="invitation", **XC),
    R("api:invitation-revoke", POST=ORGANIZERS, pk="invitation", **XC),
    R("api:invitation-send", POST=ORGANIZERS, pk="invitation", **XC),
    R("api:registration-list", GET=ORGANIZERS, **XC),
    R("api:registration-detail", GET=ORGANIZERS, pk="registration", **XC),
    R("api:registration-cancel", POST=ORGANIZERS, pk="registration", **XC),
    R("api:registration-check-in", POST=ORGANIZERS, pk="registration", **XC),
    R("api:registration-bulk-check-in", POST=ORGANIZERS, **XC),
    R("api:registration-export-csv", GET=ORGANIZERS, **XC),
    R("api:registration-export-xlsx", GET=ORGANIZERS, **XC),
    R("api:agenda-item-list", GET=ORGANIZERS, POST=ORGANIZERS, **XC),
    R("api:agenda-item-fill-from-papers", POST=ORGANIZERS, **XC),
    R("api:agenda-item-reorder", POST=ORGANIZERS, **XC),
    R(
        "api:agenda-item-detail",
        GET=ORGANIZERS,
        PATCH=ORGANIZERS,
        DELETE=ORGANIZERS,
        pk="agenda_item",
        **XC,
    ),
    R("api:agenda-item-duplicate", POST=ORGANIZERS, pk="agenda_item", **XC),
    R("api:agenda-item-move", POST=ORGANIZERS, pk="agenda_item", **XC),
    R("api:paper-list", GET=ORGANIZERS | DELEGATE_HOLDERS, POST=DELEGATE_HOLDERS, **XC),
    R("api:paper-detail", GET=ORGANIZERS | PAPER_AUTHOR, PATCH=PAPER_AUTHOR, pk="paper", **XC),
    R("api:paper-file", GET=ORGANIZERS | PAPER_AUTHOR, pk="paper", **XC),
    R("api:paper-revisions", GET=ORGANIZERS | PAPER_AUTHOR, pk="paper", **XC),
    R("api:paper-withdraw", POST=ORGANIZERS | PAPER_AUTHOR, pk="paper", **XC),
    R("api:nomination-list", GET=ORGANIZERS | DELEGATE_HOLDERS, POST=ORGANIZERS | DELEGATE_HOLDERS, **XC),
    R("api:nomination-detail", GET=ORGANIZERS | PAPER_AUTHOR, pk="nomination", **XC),
    R("api:nomination-file", GET=ORGANIZERS | PAPER_AUTHOR, pk="nomination", **XC),
    R("api:nomination-criteria", GET=ORGANIZERS, PUT=ORGANIZERS, **XC),
    R("api:nomination-withdraw", POST=ORGANIZERS | PAPER_AUTHOR, pk="nomination", **XC),
    R("api:nomination-reject", POST=ORGANIZERS, pk="nomination", **XC),
    R("api:nomination-approve", POST=ORGANIZERS, **XC),
    R("api:certificate-list", GET=ORGANIZERS, **XC),
    R("api:certificate-detail", GET=ORGANIZERS, pk="certificate", **XC),
    R("api:certificate-generate", POST=ORGANIZERS, **XC),
    R("api:certificate-revoke", POST=ORGANIZERS, pk="certificate", **XC),
    R("api:certificate-reissue", POST=ORGANIZERS, pk="certificate", **XC),
    R("api:certificate-file", GET=ORGANIZERS, pk="certificate", **XC),
    R("api:certificate-bulk", POST=ORGANIZERS, **XC),
]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Where a token's column differs from its rule, with why; keyed by (route, method), the roles allowed.
TOKEN_OVERRIDES: dict[tuple[str, str], dict[str, bool]] = {
    # Agencies are shared reference data, not a conference's: any account reads them, a scoped token too.
    ("api:organization-list", "GET"): {TOKEN_Y: True},
    ("api:organization-detail", "GET"): {TOKEN_Y: True},
    # Signing in with a password ignores the Authorization header: whoever sends it is anonymous there.
    ("api:auth-token", "POST"): {TOKEN_READ_ONLY: True},
    # A token cannot manage tokens (403 token_cannot_manage_tokens), not even list them.
    ("api:api-token-list", "GET"): {TOKEN_READ_ONLY: False},
}


def is_api(route: Route) -> bool:
    return route.name.startswith(("api:", "api-"))


def token_allowed(route: Route, method: str, role: str) -> bool:
    """The declared rule of the token columns.

    Pages never accept a token: both tokens get what `anonymous` gets. On the API, the read-only
    token (an organizer of X's, every conference) gets what `organizer_x` gets on safe methods and
    nothing else; the token scoped to Y gets what `anonymous` gets, since every row here is X's and
    its owner's roles in X are out of its scope. TOKEN_OVERRIDES names the exceptions.
    """
    override = TOKEN_OVERRIDES.get((route.name, method), {})
    if role in override:
        return override[role]
    allowed = route.methods[method]
    if not is_api(route) or role == TOKEN_Y:
        return ANONYMOUS in allowed
    return ORGANIZER_X in allowed and method in SAFE_METHODS


def is_allowed(route: Route, method: str, role: str) -> bool:
    if role in TOKEN_ROLES:
        return token_allowed(route, method, role)
    return role in route.methods[method]


# Django's admin: staff only (Django's own rule), checked on its index and on every model's list;
# a staff member without model permissions sees none of the lists.
ADMIN_NAMESPACE = "admin"


def admin_routes() -> list[Route]:
    from django.contrib import admin

    lists = [
        R(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist", GET=SUPERUSER_ONLY)
        for model in admin.site._registry
    ]
    return [R("admin:index", GET=STAFF_ONLY), *sorted(lists, key=lambda route: route.name)]


def walk_routes(patterns=None, namespace: str = "") -> set[str]:
    """Every named route of the site as "namespace:name", the format-suffix duplicates folded."""
    names: set[str] = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            names |= walk_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def unnamed_routes(patterns=None, prefix: str = "") -> list[str]:
    """Routes outside the admin that have no name: they could not be declared, so none may exist."""
    found: list[str] = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != ADMIN_NAMESPACE:
                found += unnamed_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif not pattern.name:
            found.append(prefix + str(pattern.pattern))
    return found


PASSWORD = "mat-khau-ma-tran-quyen"
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@dataclasses.dataclass
class World:
    ids: dict[str, str]
    clients: dict[str, Client]
    links: dict[str, str]  # link name -> token
    bogus: str = "lien-ket-khong-ton-tai"


def _user(username: str, **fields):
    return get_user_model().objects.create_user(
        username=username, email=f"{username}@matran.gov.vn", password=PASSWORD, **fields
    )


def _personal_link(registration: Registration) -> str:
    token, token_hash = token_new()
    Registration.objects.filter(pk=registration.pk).update(token_hash=token_hash)
    return token


def _rsvp_link(invitation: Invitation) -> str:
    return invitation_link_create(invitation=invitation).rstrip("/").rsplit("/", 1)[-1]


def _invitation_link(invitation: ReviewerInvitation) -> str:
    token, token_hash = token_new()
    ReviewerInvitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash)
    return token


def seed() -> World:
    """Two conferences with every kind of object, and one client per role."""
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conferences.models import AgendaVersion, AwardCategory, PaperFigure, Proceedings
    from conferences.services.nominations import nomination_create
    from conferences.services.reviewers import reviewer_invite
    from tests.paper_files import valid_pdf

    result = demo.load_demo(password=PASSWORD, base_url="http://testserver")
    x, y = result.conference, result.upcoming
    users = get_user_model().objects.in_bulk(result.usernames, field_name="username")
    demo_organizer = users["bantochuc"]

    # P: a paper of X by a delegate of agency A; its reviewer R is assigned, another reviewer is not.
    certified = Certificate.objects.filter(conference=x, registration__isnull=False).values("registration")
    assignment = (
        ReviewAssignment.objects.filter(paper__conference=x, paper__registration__in=certified)
        .select_related("paper__registration", "reviewer")
        .order_by("paper_id")
        .first()
    )
    paper = assignment.paper
    registration_a = paper.registration
    reviewer = assignment.reviewer
    reviewer_other = _user("phanbien-khac")
    conference_role_grant(conference=x, user=reviewer_other, role=ConferenceRole.Role.REVIEWER)
    ReviewAssignment.objects.filter(paper=paper, reviewer=reviewer_other).delete()

    registration_b = (
        Registration.objects.filter(conference=x)
        .exclude(organization=registration_a.organization)
        .order_by("pk")
        .first()
    )
    invitation_a = Invitation.objects.get(conference=x, organization=registration_a.organization)
    # X's RSVP links expired with its 2021 deadline: the agencies' links are Y's, which is open.
    rsvp_a, rsvp_b = Invitation.objects.filter(conference=y).order_by("pk")[:2]

    organizer_x, organizer_y = _user("tochuc-x"), _user("tochuc-y")
    conference_role_grant(conference=x, user=organizer_x, role=ConferenceRole.Role.ORGANIZER)
    conference_role_grant(conference=y, user=organizer_y, role=ConferenceRole.Role.ORGANIZER)
    staff = _user("nhanvien", is_staff=True)
    token_y_owner, token_read_only_owner = _user("tich-hop-y"), _user("tich-hop-chi-doc")
    for conference in (x, y):
        conference_role_grant(conference=conference, user=token_y_owner, role=ConferenceRole.Role.ORGANIZER)
    conference_role_grant(conference=x, user=token_read_only_owner, role=ConferenceRole.Role.ORGANIZER)
    _token, token_y_secret = api_token_create(user=token_y_owner, name="Tích hợp Y", conference=y)
    _token, token_read_only_secret = api_token_create(
        user=token_read_only_owner, name="Chỉ đọc", read_only=True
    )
    bearers = {TOKEN_Y: token_y_secret, TOKEN_READ_ONLY: token_read_only_secret}
    organizer_x_token, _secret = api_token_create(user=organizer_x, name="Của tổ chức X")
    superuser = get_user_model().objects.create_superuser(
        username="quantri", email="quantri@matran.gov.vn", password=PASSWORD
    )

    nomination = nomination_create(
        conference=x,
        category=AwardCategory.objects.order_by("pk").first(),
        justification="Đã có thành tích xuất sắc trong áp dụng TCVN ISO 9001.",
        nominee_organization=registration_a.organization,
        by_registration=registration_a,
        upload=SimpleUploadedFile("ho-so.pdf", valid_pdf(), content_type="application/pdf"),
        now=x.starts_at - __import__("datetime").timedelta(days=30),
    )
    figure = PaperFigure(paper=paper, width=1, height=1, sha256="0" * 64)
    figure.image.save("hinh.png", ContentFile(TINY_PNG), save=False)
    figure.save()
    book = Proceedings(conference=x, version=1, input_hash="0" * 64, pages=1, size=4)
    book.file.save("ky-yeu.pdf", ContentFile(b"%PDF"), save=False)
    book.save()
    team_invitation = reviewer_invite(
        conference=x,
        email="tochuc-moi@matran.gov.vn",
        full_name="Người Tổ Chức Mới",
        invited_by=demo_organizer,
        role=ConferenceRole.Role.ORGANIZER,
    )
    reviewer_invitation = reviewer_invite(
        conference=x,
        email="phanbien-moi@matran.gov.vn",
        full_name="Người Phản Biện Mới",
        invited_by=demo_organizer,
    )
    certificate = Certificate.objects.filter(conference=x, registration=registration_a).first()
    if not certificate.file:
        certificate.file.save("giay-chung-nhan.pdf", ContentFile(valid_pdf()), save=True)
    award = Award.objects.filter(decision__conference=x).order_by("pk").first()
    ids = {
        "x": x.slug,
        "lang": "en",
        "certificate_code": certificate.verification_code,
        "certificate_serial": certificate.serial,
        "certificate": str(certificate.pk),
        "agenda_version": str(AgendaVersion.objects.filter(conference=x).order_by("number").first().number),
        "uidb64": urlsafe_base64_encode(force_bytes(staff.pk)),
        "reset_token": default_token_generator.make_token(staff),
        "nomination": str(nomination.pk),
        "paper": str(paper.pk),
        "figure": str(figure.pk),
        "revision": str(paper.current_revision.number),
        "team_token": _invitation_link(team_invitation),
        "reviewer_token": _invitation_link(reviewer_invitation),
        "room": str(Room.objects.filter(conference=x).order_by("pk").first().pk),
        "team_role": str(ConferenceRole.objects.get(conference=x, user=reviewer_other).pk),
        "team_invitation": str(team_invitation.pk),
        "reviewer_invitation": str(reviewer_invitation.pk),
        "reviewer_other_id": str(reviewer_other.pk),
        "invitation": str(invitation_a.pk),
        "proceedings": str(book.pk),
        "notification": str(Notification.objects.filter(scope=conference_notice_scope(x.pk)).first().pk),
        "held_notification": str(
            Notification.objects.filter(scope=conference_notice_scope(x.pk), state=Notification.State.HELD)
            .first()
            .pk
        ),
        "agenda_item": str(AgendaItem.objects.filter(conference=x).order_by("pk").first().pk),
        "award_decision": str(award.decision_id),
        "award": str(award.pk),
        "assignment": str(assignment.pk),
        "job": str(Job.objects.filter(conference=x).order_by("pk").first().pk),
        "organization": str(Organization.objects.get(pk=registration_a.organization_id).pk),
        "registration": str(registration_a.pk),
        "api_token": str(organizer_x_token.pk),
    }
    links = {
        "rsvp_a": _rsvp_link(rsvp_a),
        "rsvp_b": _rsvp_link(rsvp_b),
        "delegate_a": _personal_link(registration_a),
        "delegate_b": _personal_link(registration_b),
    }
    accounts = {
        REVIEWER: reviewer,
        REVIEWER_OTHER: reviewer_other,
        ORGANIZER_X: organizer_x,
        ORGANIZER_Y: organizer_y,
        STAFF: staff,
        SUPERUSER: superuser,
    }
    clients = {}
    for role in ROLES:
        client = Client()
        if role in accounts:
            client.force_login(accounts[role])
        elif role in DELEGATE_LINK:
            client.defaults["HTTP_AUTHORIZATION"] = f"Delegate {links[DELEGATE_LINK[role]]}"
        elif role in bearers:
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {bearers[role]}"
        clients[role] = client
    return World(ids=ids, clients=clients, links=links)


def url_for(route: Route, role: str, world: World) -> str:
    kwargs = {name: world.ids[key] for name, key in route.kwargs.items()}
    if route.link == "rsvp":
        kwargs["token"] = world.links.get(RSVP_LINK.get(role, ""), world.bogus)
    elif route.link == "delegate":
        kwargs["token"] = world.links.get(DELEGATE_LINK.get(role, ""), world.bogus)
    url = reverse(route.name, kwargs=kwargs)
    return f"{url}?{route.query.format(**world.ids)}" if route.query else url


def body_for(route: Route, world: World) -> dict | None:
    def fill(node):
        if isinstance(node, str):
            return node.format(**world.ids)
        if isinstance(node, list):
            return [fill(item) for item in node]
        if isinstance(node, dict):
            return {key: fill(value) for key, value in node.items()}
        return node

    return None if route.data is None else fill(route.data)


def shows(response, value: str) -> bool:
    """Whether a JSON answer holds an object whose id is `value`, anywhere in it."""

    def walk(node) -> bool:
        if isinstance(node, dict):
            return str(node.get("id")) == value or any(walk(item) for item in node.values())
        if isinstance(node, list):
            return any(walk(item) for item in node)
        return False

    try:
        return walk(response.json())
    except ValueError:
        return False


SIGN_IN_PATHS = ("/dang-nhap/", "/admin/login/")


def refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    location = response.headers.get("Location", "") if response.status_code in (301, 302, 303) else ""
    return any(path in location for path in SIGN_IN_PATHS)


def request(client: Client, method: str, url: str, body: dict | None = None):
    """The request in a savepoint that is rolled back, with a fresh cache (no throttle carries over).

    The client's cookies are put back too: signing out, or a session the rolled-back request
    rotated, must not change who the next request is made as.
    """
    cache.clear()
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    with transaction.atomic():
        if body is None:
            response = getattr(client, method.lower())(url)
        else:
            response = getattr(client, method.lower())(url, json.dumps(body), content_type="application/json")
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


def test_every_route_is_in_the_table():
    declared = [route.name for route in TABLE]
    duplicates = sorted(name for name in set(declared) if declared.count(name) > 1)
    served = {name for name in walk_routes() if not name.startswith(f"{ADMIN_NAMESPACE}:")}
    assert duplicates == []
    assert sorted(served - set(declared)) == [], "routes missing from the access matrix"
    assert sorted(set(declared) - served) == [], "the access matrix names routes that do not exist"
    # Only the media files of DEBUG are served without a name (public, non-private files).
    assert [path for path in unnamed_routes() if not path.startswith("^media/")] == []


def test_every_role_gets_what_the_table_says_on_every_route(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = seed()
    wrong: list[str] = []
    requests = 0
    for route, role in itertools.product([*TABLE, *admin_routes()], ROLES):
        for method in route.methods:
            url = url_for(route, role, world)
            response = request(world.clients[role], method, url, body_for(route, world))
            requests += 1
            denied = refused(response)
            if route.shows and response.status_code == 200:
                denied = not shows(response, world.ids[route.shows])
            if route.changes and response.status_code == 200:
                denied = not response.json()[route.changes]
            if response.status_code >= 500 or response.status_code in (405, 429):
                wrong.append(f"{method} {url} as {role}: {response.status_code}")
            elif denied == is_allowed(route, method, role):
                verdict = "refused" if is_allowed(route, method, role) else "allowed"
                wrong.append(f"{method} {route.name} {url} as {role}: {verdict} ({response.status_code})")
    print(f"access matrix: {len(TABLE)} routes, {requests} requests")
    assert wrong == [], "\n".join(wrong)


ABBREVIATIONS = {
    ANONYMOUS: "anon",
    ATTENDEE: "att",
    DELEGATE_A: "dA",
    DELEGATE_B: "dB",
    REVIEWER: "rev",
    REVIEWER_OTHER: "rev2",
    ORGANIZER_X: "orgX",
    ORGANIZER_Y: "orgY",
    STAFF: "staff",
    SUPERUSER: "su",
    TOKEN_Y: "tokY",
    TOKEN_READ_ONLY: "tokRO",
}
DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "access-matrix.md"


def matrix_markdown() -> str:
    """The table as the docs show it: one row per route and method, one column per role."""
    header = [
        "# Who may use which route",
        "",
        "Generated from `TABLE` in `tests/test_access_matrix.py`, which checks every cell with a live",
        "request (`HOINGHI_WRITE_ACCESS_MATRIX=1 make test` writes this file again). Roles: "
        + "; ".join(f"**{ABBREVIATIONS[role]}** {role.replace('_', ' ')}" for role in ROLES)
        + ". X is the conference the rows are about; the agency and delegate links are explained",
        "in the test's docstring. Django's admin: its index for staff, every model's list for superusers.",
        "The token columns (`Authorization: Bearer`, no session) follow the rule of `token_allowed` in the",
        "test: pages as anonymous; on the API, tokY (scoped to Y, its owner organizes X and Y) as anonymous,",
        "tokRO (read-only, an organizer of X) as orgX on GET only; `TOKEN_OVERRIDES` lists the exceptions.",
        "",
        "| Route | Method | " + " | ".join(ABBREVIATIONS[role] for role in ROLES) + " |",
        "|---|---|" + "---|" * len(ROLES),
    ]
    rows = []
    for route in TABLE:
        for method in route.methods:
            marks = " | ".join("✓" if is_allowed(route, method, role) else "·" for role in ROLES)
            rows.append(f"| `{route.name}` | {method} | {marks} |")
    return "\n".join(header + rows) + "\n"


def test_the_documented_matrix_is_the_tested_one():
    if os.environ.get("HOINGHI_WRITE_ACCESS_MATRIX"):
        DOCUMENT.parent.mkdir(exist_ok=True)
        DOCUMENT.write_text(matrix_markdown(), encoding="utf-8")
    assert DOCUMENT.read_text(encoding="utf-8") == matrix_markdown(), (
        "docs/access-matrix.md is out of date: run HOINGHI_WRITE_ACCESS_MATRIX=1 "
        ".venv/bin/python -m pytest tests/test_access_matrix.py -k documented"
    )
