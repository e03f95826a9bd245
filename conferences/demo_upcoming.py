"""Build the demo's upcoming conference (fixtures/demo_upcoming.toml) and the links each persona opens.

The model case of conferences/demo.py took place in 2021: every link made for it
has expired. This conference is dated from the day the demo is loaded, so its
invitations are live: sent through the sending service (numbered, letters held
in the outbox), a few answered through rsvp_submit, the call for papers open,
one paper in and assigned to the reviewers. It is built once; loading again
only reads the links back.
"""

import datetime
import re
import tomllib
import urllib.parse
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from conferences.documents.paper_text import render_paper_text_pdf
from conferences.models import (
    Conference,
    ConferenceRole,
    Invitation,
    Organization,
    PaperTopic,
    Person,
    Registration,
)
from conferences.selectors.notices import invitation_letter_key
from conferences.services.call_for_papers import call_for_papers_update
from conferences.services.conferences import conference_create, conference_publish, conference_role_grant
from conferences.services.invitation_sending import invitation_letter_send, invitation_send_drafts
from conferences.services.invitations import invitation_create
from conferences.services.organizations import person_create
from conferences.services.papers import AuthorInput, paper_submit
from conferences.services.review_assignment import review_auto_assign
from conferences.services.rsvp import DelegateInput, delegate_notice_path, rsvp_submit
from core.text import fold, nfc
from notifications.selectors import notifications_with_key_prefix

UPCOMING_FILE = Path(__file__).resolve().parent / "fixtures" / "demo_upcoming.toml"


def read_upcoming(path: Path = UPCOMING_FILE) -> dict:
    with path.open("rb") as file:
        return tomllib.load(file)


@dataclass(frozen=True)
class PersonaLinks:
    """Absolute URLs on the demo host, one per persona, with whom each opens as."""

    organizer_sign_in: str
    rsvp: str
    rsvp_agency: str
    delegate: str
    delegate_name: str
    reviewer_sign_in: str
    reviewer_username: str


def upcoming_ensure(
    *, main: dict, upcoming: dict, accounts: list, ministries: dict, departments: dict, today=None
) -> tuple[Conference, bool]:
    """Return the upcoming conference, built if missing, and whether it was built now."""
    conference = Conference.objects.filter(slug=upcoming["conference"]["slug"]).first()
    if conference is not None:
        for role, user in accounts:
            conference_role_grant(conference=conference, user=user, role=role)
        return conference, False
    builder = _UpcomingBuilder(main, upcoming, ministries=ministries, departments=departments)
    return builder.build(accounts=accounts, today=today or timezone.localdate()), True


def _agency(ref: dict, *, ministries: dict, departments: dict) -> Organization:
    try:
        return departments[ref["province"]] if "province" in ref else ministries[ref["ministry"]]
    except KeyError as exc:
        raise ImproperlyConfigured(f"demo_upcoming.toml: no agency {exc} in the agency files.") from None


def _delegate_email(organization: Organization, full_name: str, *, main: dict) -> str:
    """The agency's mailbox plus the delegate's name: apart from the model case's delegates."""
    if organization.province_id:
        mailbox = f"{main['departments']['email_prefix']}-{slugify(fold(organization.province.name))}"
    else:
        mailbox = slugify(fold(organization.code))
    return f"{mailbox}.{slugify(fold(full_name))}@{main['email_domain']}"


class _UpcomingBuilder:
    """Build the upcoming conference with the services, in the order its organizers would."""

    def __init__(self, main: dict, upcoming: dict, *, ministries: dict, departments: dict):
        self.main = main
        self.spec = upcoming
        self.tz = zoneinfo.ZoneInfo(main["timezone"])
        self.ministries = ministries
        self.departments = departments
        self.host = ministries[main["host"]["code"]]

    def agency(self, ref: dict) -> Organization:
        return _agency(ref, ministries=self.ministries, departments=self.departments)

    def at(self, day: datetime.date, time: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(day, time, tzinfo=self.tz)

    def build(self, *, accounts: list, today: datetime.date) -> Conference:
        organizer = next(user for role, user in accounts if role == ConferenceRole.Role.ORGANIZER)
        conference = self.conference(today)
        for role, user in accounts:
            conference_role_grant(conference=conference, user=user, role=role)
        self.call_for_papers(conference, organizer)
        conference_publish(conference=conference)
        invitations = self.invitations(conference)
        # The worker half of a bulk send: each draft numbered, its letter e-mail held for approval.
        invitation_send_drafts(invitation_ids=[i.pk for i in invitations], actor=organizer)
        # The letters are written by the worker after the load commits, but for the persona's agency
        # now, so the link load_demo prints is the one in its e-mail (the worker then skips it).
        persona = Invitation.objects.get(
            conference=conference, organization=self.agency(self.spec["personas"]["rsvp"])
        )
        invitation_letter_send(invitation_id=persona.pk, send=1, hold=True)
        self.answers(conference)
        self.papers(conference)
        review_auto_assign(conference=conference, assigned_by=organizer)
        return conference

    def conference(self, today: datetime.date) -> Conference:
        spec = dict(self.spec["conference"])
        schedule = self.spec["schedule"]
        chair_spec = spec.pop("chair")
        email = f"{slugify(fold(chair_spec['full_name']))}@{self.main['email_domain']}"
        chair = Person.objects.filter(email=email).first() or person_create(
            **chair_spec, organization=self.host, email=email
        )
        day = today + datetime.timedelta(days=schedule["days_ahead"])
        deadline = schedule["deadline_time"]
        return conference_create(
            **spec,
            host=self.host,
            chair=chair,
            starts_at=self.at(day, schedule["starts"]),
            ends_at=self.at(day, schedule["ends"]),
            rsvp_deadline=self.at(day - datetime.timedelta(days=schedule["rsvp_days_before"]), deadline),
            paper_deadline=self.at(day - datetime.timedelta(days=schedule["paper_days_before"]), deadline),
        )

    def call_for_papers(self, conference: Conference, organizer) -> None:
        spec = dict(self.spec["call_for_papers"])
        opened = timezone.now() - datetime.timedelta(days=self.spec["schedule"]["call_opened_days_ago"])
        call_for_papers_update(
            conference=conference,
            user=organizer,
            opens_at=opened,
            topics=spec.pop("topics"),
            criteria=self.main["review_criteria"],
            **spec,
        )

    def invitations(self, conference: Conference) -> list[Invitation]:
        """Every agency but the host, as in the model case, with the model case's quotas."""
        spec = self.main["invitations"]
        requests = {self.agency(ref).pk: ref["topic"] for ref in self.spec.get("paper_requests", [])}
        invitees = [org for org in self.ministries.values() if org.pk != self.host.pk]
        invitees += list(self.departments.values())
        return [
            invitation_create(
                conference=conference,
                organization=organization,
                addressee=f"{spec['addressee_prefix']} {organization.name}",
                delegate_quota=(
                    spec["department_quota"]
                    if organization.kind == Organization.Kind.DEPARTMENT
                    else spec["ministry_quota"]
                ),
                paper_requested=organization.pk in requests,
                paper_topic=requests.get(organization.pk, ""),
            )
            for organization in invitees
        ]

    def answers(self, conference: Conference) -> None:
        for spec in self.spec.get("answers", []):
            organization = self.agency(spec)
            delegates = [
                DelegateInput(
                    full_name=d["full_name"],
                    position=d.get("position", ""),
                    email=_delegate_email(organization, d["full_name"], main=self.main),
                )
                for d in spec.get("delegates", [])
            ]
            presenter = spec.get("presenter")
            rsvp_submit(
                invitation=Invitation.objects.get(conference=conference, organization=organization),
                accept=spec["accept"],
                delegates=delegates,
                presenter_email=(
                    _delegate_email(organization, presenter, main=self.main) if presenter else ""
                ),
            )

    def papers(self, conference: Conference) -> None:
        """Send each paper through its presenter's registration, as a PDF made from its text."""
        topics = list(PaperTopic.objects.filter(conference=conference).order_by("position", "id"))
        for spec in self.spec.get("papers", []):
            organization = self.agency(spec)
            email = _delegate_email(organization, spec["presenter"], main=self.main)
            registration = Registration.objects.select_related("conference", "invitation", "person").get(
                conference=conference, person__email=email, status=Registration.Status.CONFIRMED
            )
            presenter = registration.person
            author = ", ".join(filter(None, [presenter.full_name, registration.position]))
            abstract = nfc(spec["abstract"].strip())
            pdf = render_paper_text_pdf(
                organization=organization,
                title=spec["title"],
                authors=[author],
                abstract=abstract,
                body=spec["body"],
                conference_title=conference.title_vi,
                issued_on=timezone.localdate(),
            )
            paper_submit(
                registration=registration,
                title=spec["title"],
                abstract=abstract,
                body=spec["body"].strip(),
                topic=topics[spec["topic"] - 1],
                authors=[
                    AuthorInput(
                        full_name=presenter.full_name,
                        organization=organization,
                        email=presenter.email,
                        position=registration.position,
                    )
                ],
                presenter_index=0,
                upload=SimpleUploadedFile(f"Tham luận {organization.name}.pdf", pdf, "application/pdf"),
            )


# The links ----------------------------------------------------------------------------------------------


def _rsvp_path_in_letter(invitation: Invitation) -> str:
    """The RSVP path in the invitation's first letter e-mail, or "" before the letter is written.

    Only the link's hash is stored; the token itself lives in the e-mail, so it is read from there.
    """
    pattern = re.compile(
        re.escape(reverse("conferences:rsvp", kwargs={"token": "TOKEN"})).replace("TOKEN", "[^/\\s]+")
    )
    for notification in notifications_with_key_prefix(prefix=invitation_letter_key(invitation.pk, 1)):
        found = pattern.search(notification.body_text)
        if found:
            return found.group(0)
    return ""


def persona_links(
    *, conference: Conference, upcoming: dict, base_url: str, ministries: dict, departments: dict
) -> PersonaLinks:
    """The link each persona opens on the demo host at base_url."""
    base_url = base_url.rstrip("/")
    personas = upcoming["personas"]
    sign_in = reverse("conferences:sign-in")

    def signing_in(next_path: str) -> str:
        return f"{base_url}{sign_in}?{urllib.parse.urlencode({'next': next_path}, safe='/')}"

    agency = _agency(personas["rsvp"], ministries=ministries, departments=departments)
    invitation = Invitation.objects.select_related("organization").get(
        conference=conference, organization=agency
    )
    rsvp_path = _rsvp_path_in_letter(invitation)
    delegate = (
        Registration.objects.filter(
            conference=conference, full_name=nfc(personas["delegate"]), status=Registration.Status.CONFIRMED
        )
        .exclude(token_hash=None)
        .first()
    )
    delegate_path = delegate_notice_path(delegate) if delegate else ""
    return PersonaLinks(
        organizer_sign_in=signing_in(
            reverse("conferences:organizer-invitations", kwargs={"slug": conference.slug})
        ),
        rsvp=f"{base_url}{rsvp_path}" if rsvp_path else "",
        rsvp_agency=agency.name,
        delegate=f"{base_url}{delegate_path}" if delegate_path else "",
        delegate_name=delegate.full_name if delegate else "",
        reviewer_sign_in=signing_in(reverse("conferences:reviewer-papers", kwargs={"slug": conference.slug})),
        reviewer_username=personas["reviewer"],
    )
