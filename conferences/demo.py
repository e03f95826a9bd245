"""Build the demo conference of the model case (DOMAIN.md) from the data files in conferences/fixtures/.

The agencies come from provinces_2021.csv and ministries.csv; the story (conference,
papers, agenda, awards) from demo_conference.toml. Agencies are upserted, so loading
again is safe; the conference and everything in it are built only when it is missing.
"""

import csv
import datetime
import itertools
import math
import os
import tomllib
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.text import slugify

from conferences.demo_upcoming import PersonaLinks, persona_links, read_upcoming, upcoming_ensure
from conferences.documents.paper_text import render_paper_text_pdf
from conferences.enums import NoticeKind
from conferences.models import (
    AgendaItem,
    Award,
    AwardCategory,
    Certificate,
    Conference,
    ConferenceRole,
    Invitation,
    Organization,
    Paper,
    PaperTopic,
    Person,
    Proceedings,
    Province,
    Registration,
)
from conferences.services.agenda import agenda_item_create
from conferences.services.agenda_publishing import agenda_publish
from conferences.services.awards import award_create, award_decision_create
from conferences.services.call_for_papers import call_for_papers_update
from conferences.services.ceremony import ceremony_advance, ceremony_batches_set
from conferences.services.certificate_generation import certificates_generate
from conferences.services.check_in import registration_check_in
from conferences.services.common import validated_save
from conferences.services.conferences import conference_create, conference_publish, conference_role_grant
from conferences.services.invitations import invitation_create
from conferences.services.notices import conference_notify, person_recipient
from conferences.services.organizations import (
    organization_create,
    organization_update,
    person_create,
    province_upsert,
)
from conferences.services.paper_decisions import paper_decide_many
from conferences.services.papers import AuthorInput, paper_submit
from conferences.services.proceedings import conference_foreword_update, proceedings_build
from conferences.services.review_assignment import review_auto_assign
from conferences.services.reviews import review_submit
from conferences.services.rsvp import DelegateInput, rsvp_submit
from core.text import fold, nfc

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
PROVINCES_FILE = FIXTURES_DIR / "provinces_2021.csv"
MINISTRIES_FILE = FIXTURES_DIR / "ministries.csv"
SCENARIO_FILE = FIXTURES_DIR / "demo_conference.toml"

PASSWORD_ENV = "DEMO_ORGANIZER_PASSWORD"
# Documented in the command's output; only used when DEBUG is on and the variable is unset.
DEFAULT_PASSWORD = "hoinghi-demo-2021"
# The organizer group may use the admin for the conference models (the outbox admin is the
# superusers'; organizers use their conference's outbox page).
ORGANIZER_APPS = ("conferences",)

PROVINCE_KINDS = {"tỉnh": Province.Kind.PROVINCE, "thành phố trung ương": Province.Kind.CITY}
MINISTRY_KINDS = {"bộ": Organization.Kind.MINISTRY, "cơ quan ngang bộ": Organization.Kind.MINISTERIAL_AGENCY}


@dataclass
class DemoResult:
    conference: Conference
    created: bool
    usernames: list[str]
    # False when an account existed with another password (e.g. changed since the first load).
    password_ok: bool
    # The conference dated from the day of the first load, whose links are live (demo_upcoming.py).
    upcoming: Conference
    upcoming_created: bool
    links: PersonaLinks


def demo_password() -> str:
    """Return the demo accounts' password: the environment's, or the default on a DEBUG install."""
    password = os.environ.get(PASSWORD_ENV, "")
    if password:
        return password
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            f"Set {PASSWORD_ENV}: the built-in demo password is only used when DEBUG is on."
        )
    return DEFAULT_PASSWORD


def read_scenario(path: Path = SCENARIO_FILE) -> dict:
    with path.open("rb") as file:
        return tomllib.load(file)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return [{key: nfc(value) for key, value in row.items()} for row in csv.DictReader(file)]


def _kind(kinds: dict[str, str], value: str, path: Path) -> str:
    try:
        return kinds[value.casefold()]
    except KeyError:
        raise ImproperlyConfigured(
            f"{path.name}: unknown type {value!r}; expected one of {list(kinds)}."
        ) from None


def provinces_load(path: Path = PROVINCES_FILE) -> list[Province]:
    """Create or update the provinces listed in the file (code, name_vi, type)."""
    return [
        province_upsert(code=row["code"], name=row["name_vi"], kind=_kind(PROVINCE_KINDS, row["type"], path))
        for row in _read_csv(path)
    ]


def organization_upsert(*, name: str, **fields) -> Organization:
    """Create a top-level organization, or bring the one with the same name up to date."""
    existing = Organization.objects.filter(parent__isnull=True, search_name=fold(name)).first()
    if existing is None:
        return organization_create(name=name, **fields)
    fields["name"] = nfc(name)
    changed = {key: value for key, value in fields.items() if getattr(existing, key) != value}
    return organization_update(organization=existing, **changed) if changed else existing


def ministries_load(
    *, email_domain: str, host: dict, path: Path = MINISTRIES_FILE
) -> dict[str, Organization]:
    """Create or update the ministries and ministerial-level agencies; return them by abbreviation."""
    ministries = {}
    for row in _read_csv(path):
        code = row["abbreviation"].upper()
        ministries[code] = organization_upsert(
            name=row["name_vi"],
            kind=_kind(MINISTRY_KINDS, row["type"], path),
            code=code,
            short_name=host["short_name"] if code == host["code"] else "",
            contact_emails=[f"{slugify(fold(code))}@{email_domain}"],
        )
    return ministries


def department_mailbox(province: Province, spec: dict) -> str:
    return f"{spec['email_prefix']}-{slugify(fold(province.name))}"


def departments_load(*, provinces: list[Province], spec: dict, email_domain: str) -> dict[str, Organization]:
    """Create or update one department per province; return them by province name."""
    return {
        province.name: organization_upsert(
            name=f"{spec['name_prefix']} {province.administrative_name}",
            kind=Organization.Kind.DEPARTMENT,
            short_name=f"{spec['short_name_prefix']} {province.name}",
            province=province,
            contact_emails=[f"{department_mailbox(province, spec)}@{email_domain}"],
        )
        for province in provinces
    }


def load_demo(
    *, password: str, base_url: str, scenario: dict | None = None, upcoming: dict | None = None
) -> DemoResult:
    """Load agencies and, unless they exist, the demo conferences; all or nothing.

    `base_url` is where the demo is served: the persona links are made for it.
    """
    scenario = scenario or read_scenario()
    upcoming = upcoming or read_upcoming()
    with transaction.atomic():
        provinces = provinces_load()
        ministries = ministries_load(email_domain=scenario["email_domain"], host=scenario["host"])
        departments = departments_load(
            provinces=provinces, spec=scenario["departments"], email_domain=scenario["email_domain"]
        )
        # Accounts and their rights are checked on every load, so the organizer group
        # also gets the permissions of models added since the first load.
        accounts = [
            (spec["role"], account_ensure(spec, password=password, email_domain=scenario["email_domain"]))
            for spec in scenario["accounts"]
        ]
        conference = Conference.objects.filter(slug=scenario["conference"]["slug"]).first()
        created = conference is None
        if created:
            builder = _ConferenceBuilder(scenario, ministries=ministries, departments=departments)
            conference = builder.build(accounts=accounts)
        else:
            roles_grant(conference, accounts)
        next_conference, upcoming_created = upcoming_ensure(
            main=scenario,
            upcoming=upcoming,
            accounts=accounts,
            ministries=ministries,
            departments=departments,
        )
    return DemoResult(
        conference=conference,
        created=created,
        usernames=[user.get_username() for _role, user in accounts],
        password_ok=all(user.check_password(password) for _role, user in accounts),
        upcoming=next_conference,
        upcoming_created=upcoming_created,
        links=persona_links(
            conference=next_conference,
            upcoming=upcoming,
            base_url=base_url,
            ministries=ministries,
            departments=departments,
        ),
    )


def account_ensure(spec: dict, *, password: str, email_domain: str):
    """Create a demo account unless it exists (keeping a changed password); sync its group."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=spec["username"]).first()
    if user is None:
        user = user_model.objects.create_user(
            username=spec["username"],
            email=f"{spec['username']}@{email_domain}",
            password=password,
            first_name=spec.get("first_name", ""),
        )
    if spec.get("group"):
        # Staff with the app permissions, not a superuser: organizers need not manage accounts.
        # Staff status only lets them into the admin; which conferences they see and change,
        # there as on the site, comes from their organizer role (roles_grant).
        group, _created = Group.objects.get_or_create(name=spec["group"])
        group.permissions.set(Permission.objects.filter(content_type__app_label__in=ORGANIZER_APPS))
        user.groups.add(group)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return user


def roles_grant(conference: Conference, accounts: list[tuple[str, object]]) -> None:
    """Give each demo account its role (organizer, reviewer) in the conference."""
    for role, user in accounts:
        conference_role_grant(conference=conference, user=user, role=role)


def demo_counts(conference: Conference) -> dict[str, int]:
    invitations = Invitation.objects.filter(conference=conference)
    return {
        "provinces": Province.objects.count(),
        "organizations": Organization.objects.count(),
        "invitations": invitations.count(),
        **{f"invitations_{s}": invitations.filter(status=s).count() for s in Invitation.Status.values},
        "registrations": Registration.objects.filter(conference=conference).count(),
        "papers": Paper.objects.filter(conference=conference).count(),
        "agenda_items": AgendaItem.objects.filter(conference=conference).count(),
        "awards": Award.objects.filter(decision__conference=conference).count(),
    }


def _delegate_names(parts: dict, female: bool) -> Iterator[str]:
    """Yield distinct full names (family, middle, given), varied but the same on every run."""
    prefix = "female" if female else "male"
    families, middles, givens = (
        parts["family_names"],
        parts[f"{prefix}_middle_names"],
        parts[f"{prefix}_given_names"],
    )
    total = len(families) * len(middles) * len(givens)
    # A step coprime with the total visits every combination once; near the golden
    # ratio of the total, neighbours in the list share few name parts.
    step = next(n for n in itertools.count(round(total * 0.618)) if math.gcd(n, total) == 1)
    for k in range(total):
        n = k * step % total
        given, n = givens[n % len(givens)], n // len(givens)
        family, n = families[n % len(families)], n // len(families)
        yield f"{family} {middles[n % len(middles)]} {given}"
    raise ImproperlyConfigured("demo_conference.toml: add delegate name parts, all names are in use.")


class _ConferenceBuilder:
    """Build the demo conference with the services, in the order its organizers would."""

    def __init__(self, scenario: dict, *, ministries: dict[str, Organization], departments: dict):
        self.scenario = scenario
        self.tz = zoneinfo.ZoneInfo(scenario["timezone"])
        self.domain = scenario["email_domain"]
        self.ministries = ministries
        self.departments = departments
        self.host = ministries[scenario["host"]["code"]]
        self.papers_by_agency = {self.agency(spec).pk: spec for spec in scenario["papers"]}
        self.papers: dict[str, Paper] = {}
        self.presenters: dict[str, Person] = {}
        self.names = {
            female: _delegate_names(scenario["delegates"], female=female) for female in (False, True)
        }

    def agency(self, ref: dict) -> Organization:
        if "province" in ref:
            return self.departments[ref["province"]]
        return self.ministries[ref["ministry"]]

    def local(self, value: datetime.datetime | datetime.time) -> datetime.datetime:
        """Return an aware datetime for a local date-time, or a local time on the conference day."""
        if isinstance(value, datetime.time):
            value = datetime.datetime.combine(self.scenario["conference"]["starts_at"].date(), value)
        return value if value.tzinfo else value.replace(tzinfo=self.tz)

    def build(self, *, accounts: list[tuple[str, object]]) -> Conference:
        conference = self.conference()
        roles_grant(conference, accounts)
        organizer = next(user for role, user in accounts if role == ConferenceRole.Role.ORGANIZER)
        self.call_for_papers(conference, organizer)
        conference_publish(conference=conference)
        invitations = self.answers(conference, self.invitations(conference))
        self.notices(conference)
        self.submit_papers(conference, invitations)
        self.review_papers(
            conference, organizer, reviewers={user.get_username(): user for _r, user in accounts}
        )
        self.agenda(conference)
        agenda_publish(conference=conference, actor=organizer)
        self.awards(conference)
        self.ceremony(conference)
        # The first batch is on stage, so the stage screen shows it after `make demo`.
        ceremony_advance(conference=conference, user=organizer, direction=1)
        self.door(conference, organizer)
        certificates_generate(
            conference=conference,
            kinds=[Certificate.Kind.ATTENDANCE, Certificate.Kind.SPEAKER, Certificate.Kind.AWARD],
            user=organizer,
        )
        conference_foreword_update(conference=conference, foreword=self.scenario["proceedings"]["foreword"])
        # Built by the worker when this commits, so the book is there to download after `make demo`.
        proceedings_build(
            conference=conference,
            kind=Proceedings.Kind.BOOK,
            variant=Proceedings.Variant.STANDARD,
            user=organizer,
        )
        self.backdate(conference)
        return conference

    def person(self, *, full_name: str, position: str, organization: Organization, email: str) -> Person:
        existing = Person.objects.filter(email=email).first()
        return existing or person_create(
            full_name=full_name, position=position, organization=organization, email=email
        )

    def conference(self) -> Conference:
        spec = dict(self.scenario["conference"])
        chair_spec = spec.pop("chair")
        chair = self.person(
            **chair_spec,
            organization=self.host,
            email=f"{slugify(fold(chair_spec['full_name']))}@{self.domain}",
        )
        for key in ("starts_at", "ends_at", "rsvp_deadline", "paper_deadline"):
            spec[key] = self.local(spec[key])
        return conference_create(**spec, host=self.host, chair=chair)

    def invitees(self) -> list[Organization]:
        """Every agency but the host, which does not invite itself: ministries, then departments."""
        ministries = [org for org in self.ministries.values() if org.pk != self.host.pk]
        return ministries + list(self.departments.values())

    def invitations(self, conference: Conference) -> list[Invitation]:
        spec = self.scenario["invitations"]
        invitations = []
        for organization in self.invitees():
            paper = self.papers_by_agency.get(organization.pk)
            is_department = organization.kind == Organization.Kind.DEPARTMENT
            invitations.append(
                invitation_create(
                    conference=conference,
                    organization=organization,
                    addressee=f"{spec['addressee_prefix']} {organization.name}",
                    delegate_quota=spec["department_quota"] if is_department else spec["ministry_quota"],
                    paper_requested=paper is not None,
                    paper_topic=paper["title"] if paper else "",
                )
            )
        # No service sends letters yet; the demo only records that they went out (no number, no link).
        Invitation.objects.filter(conference=conference, status=Invitation.Status.DRAFT).update(
            status=Invitation.Status.SENT,
            sent_at=self.local(self.scenario["timeline"]["invitations_sent_at"]),
        )
        return invitations

    def answer(self, index: int, invitation: Invitation) -> bool | None:
        """Decide an agency's answer by its place in the list: about 70% accept, 5% decline."""
        if invitation.paper_requested:
            return True
        if index % 20 == 3:
            return False
        if index % 10 in (3, 7, 9):
            return None
        return True

    def answers(self, conference: Conference, invitations: list[Invitation]) -> list[Invitation]:
        """Answer as the agencies did through their links, each on its day before the deadline."""
        delegates = self.scenario["delegates"]
        first_answer = self.local(self.scenario["timeline"]["first_answer_at"])
        answered = []
        for index, invitation in enumerate(invitations):
            answer = self.answer(index, invitation)
            if answer is None:
                answered.append(invitation)
                continue
            named: list[DelegateInput] = []
            paper = self.papers_by_agency.get(invitation.organization_id)
            if answer:
                organization = invitation.organization
                is_department = organization.kind == Organization.Kind.DEPARTMENT
                positions = delegates["department_positions" if is_department else "ministry_positions"]
                # Most departments send both delegates they may; some send one.
                count = invitation.delegate_quota if paper or index % 3 != 2 else 1
                mailbox = self.mailbox(organization)
                for slot in range(count):
                    if slot == 0 and paper:
                        name, position = paper["presenter"]["full_name"], paper["presenter"]["position"]
                    else:
                        # About one delegate in three is a woman.
                        female = (index + slot) % 3 == 0
                        name, position = next(self.names[female]), positions[slot % len(positions)]
                    named.append(
                        DelegateInput(
                            full_name=name, position=position, email=f"{mailbox}.{slot + 1}@{self.domain}"
                        )
                    )
            answered.append(
                rsvp_submit(
                    invitation=invitation,
                    accept=answer,
                    delegates=named,
                    presenter_email=named[0].email if paper and named else "",
                    now=first_answer + datetime.timedelta(days=index % 10),
                )
            )
            if paper and named:
                self.presenters[paper["key"]] = Person.objects.get(email=named[0].email)
        # The presenters speak; no service sets a registration's role after the answer yet.
        Registration.objects.filter(conference=conference, person__in=list(self.presenters.values())).update(
            role=Registration.Role.SPEAKER
        )
        return answered

    def mailbox(self, organization: Organization) -> str:
        if organization.province_id:
            return department_mailbox(organization.province, self.scenario["departments"])
        return slugify(fold(organization.code))

    def call_for_papers(self, conference: Conference, organizer) -> None:
        spec = dict(self.scenario["call_for_papers"])
        call_for_papers_update(
            conference=conference,
            user=organizer,
            opens_at=self.local(spec.pop("opens_at")),
            topics=spec.pop("topics"),
            criteria=self.scenario["review_criteria"],
            **spec,
        )
        self.topics = list(PaperTopic.objects.filter(conference=conference).order_by("position", "id"))

    def submit_papers(self, conference: Conference, invitations: list[Invitation]) -> None:
        """Send each paper through its presenter's link, as a PDF made from its text, before the deadline."""
        submitted_at = self.local(self.scenario["timeline"]["papers_submitted_at"])
        for spec in self.scenario["papers"]:
            organization = self.agency(spec)
            presenter = self.presenters[spec["key"]]
            registration = Registration.objects.select_related("conference", "invitation").get(
                conference=conference, person=presenter
            )
            author = (
                f"{presenter.full_name}, {presenter.position}" if presenter.position else presenter.full_name
            )
            pdf = render_paper_text_pdf(
                organization=organization,
                title=spec["title"],
                authors=[author],
                abstract=nfc(spec["abstract"].strip()),
                body=spec["body"],
                conference_title=conference.title_vi,
                issued_on=submitted_at.date(),
            )
            self.papers[spec["key"]] = paper_submit(
                registration=registration,
                title=spec["title"],
                abstract=spec["abstract"].strip(),
                body=spec["body"].strip(),
                topic=self.topics[spec["topic"] - 1],
                authors=[
                    AuthorInput(
                        full_name=presenter.full_name,
                        organization=organization,
                        email=presenter.email,
                        position=presenter.position,
                    )
                ],
                presenter_index=0,
                upload=SimpleUploadedFile(f"Tham luận {organization.name}.pdf", pdf, "application/pdf"),
                now=submitted_at,
            )

    def review_papers(self, conference: Conference, organizer, *, reviewers: dict) -> None:
        """Assign the reviewers automatically, let them review blind, then accept every paper."""
        review_auto_assign(conference=conference, assigned_by=organizer)
        for spec in self.scenario["reviews"]:
            review = dict(spec)
            review_submit(
                paper=self.papers[review.pop("paper")], reviewer=reviewers[review.pop("reviewer")], **review
            )
        paper_decide_many(
            conference=conference,
            paper_ids=[paper.pk for paper in self.papers.values()],
            status=Paper.Status.ACCEPTED,
            user=organizer,
        )

    def agenda(self, conference: Conference) -> None:
        room = conference.rooms.first()
        for position, spec in enumerate(self.scenario["agenda"]):
            paper, organization, speakers = None, None, []
            if "paper" in spec:
                paper = self.papers[spec["paper"]]
                organization = paper.presenting_organization
                speakers.append(self.presenters[spec["paper"]])
            elif spec.get("host"):
                organization = self.host
            if spec.get("chair_speaks"):
                speakers.append(conference.chair)
            agenda_item_create(
                conference=conference,
                starts_at=self.local(spec["starts"]),
                ends_at=self.local(spec["ends"]),
                kind=spec["kind"],
                title=spec["title"],
                presenter_text=spec["presenter_text"],
                presenting_organization=organization,
                paper=paper,
                speakers=speakers,
                room=room,
                position=position,
            )

    def awards(self, conference: Conference) -> None:
        category_spec = self.scenario["award_category"]
        category = AwardCategory.objects.filter(code=category_spec["code"]).first() or validated_save(
            AwardCategory(**category_spec)
        )
        decision = award_decision_create(
            issuer=self.host, conference=conference, **self.scenario["award_decision"]
        )
        for order, spec in enumerate(self.scenario["awards"], start=1):
            if "presenter_of" in spec:
                recipient = {"recipient_person": self.presenters[spec["presenter_of"]]}
            else:
                recipient = {"recipient_organization": self.agency(spec)}
            award_create(
                decision=decision,
                category=category,
                citation=spec["citation"],
                ceremony_order=order,
                **recipient,
            )

    def ceremony(self, conference: Conference) -> None:
        awards = list(Award.objects.filter(decision__conference=conference).order_by("ceremony_order"))
        ceremony_batches_set(
            conference=conference,
            batches=[
                {
                    "title": spec["title"],
                    "presenter": spec["presenter"],
                    "award_ids": [awards[n - 1].pk for n in spec["awards"]],
                }
                for spec in self.scenario["ceremony"]
            ],
        )

    def door(self, conference: Conference, organizer) -> None:
        """Check the delegates in as they arrive, through the one check-in rule; a few stay away."""
        spec = self.scenario["check_in"]
        arrival = self.local(spec["first_at"])
        registrations = Registration.objects.filter(
            conference=conference, status=Registration.Status.CONFIRMED
        ).order_by("pk")
        for index, registration in enumerate(registrations):
            if index % spec["absent_every"] == spec["absent_every"] - 1:
                continue
            registration_check_in(registration=registration, user=organizer, now=arrival)
            arrival += datetime.timedelta(seconds=spec["seconds_apart"])

    def notices(self, conference: Conference) -> None:
        """Write the scenario's notices to every registered delegate, through the outbox."""
        delegates = [
            person_recipient(r.person)
            for r in Registration.objects.filter(conference=conference).select_related("person")
            if r.person.email
        ]
        for spec in self.scenario.get("notices", []):
            conference_notify(
                conference=conference,
                recipients=delegates,
                kind=NoticeKind.ANNOUNCEMENT,
                context={"conference": conference, "title": spec["title"], "message": spec["message"]},
                idempotency_key=spec["key"],
                hold=spec["hold"],
            )

    def backdate(self, conference: Conference) -> None:
        """Move the services' "now" stamps back into the 2021 story, so the demo reads consistently."""
        timeline = self.scenario["timeline"]
        Conference.objects.filter(pk=conference.pk).update(published_at=self.local(timeline["published_at"]))
        Paper.objects.filter(conference=conference).update(
            submitted_at=self.local(timeline["papers_submitted_at"]),
            decided_at=self.local(timeline["papers_decided_at"]),
        )
        Certificate.objects.filter(conference=conference).update(
            issued_at=self.local(self.scenario["check_in"]["certificates_issued_at"])
        )
        conference.refresh_from_db()
