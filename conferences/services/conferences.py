import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from conferences.models import CallForPapers, Conference, ConferenceRole, Organization, Person, Room
from conferences.models.conference import RESERVED_SLUGS
from conferences.services.common import validated_save
from conferences.services.invitation_sending import rsvp_deadline_changed
from core.exceptions import ApplicationError
from core.text import fold, nfc


def _unique_slug(title: str) -> str:
    base = slugify(fold(title))[:80] or "hoi-nghi"
    slug, n = base, 1
    # A title that is one of the site's own words ("Thông báo") gets a number, as a taken slug does.
    while slug in RESERVED_SLUGS or Conference.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def conference_create(
    *,
    title_vi: str,
    host: Organization,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    slug: str = "",
    title_en: str = "",
    kind: str = Conference.Kind.MID_TERM_REVIEW,
    legal_basis: str = "",
    description: str = "",
    review_period_start: int | None = None,
    review_period_end: int | None = None,
    venue_name: str = "",
    venue_address: str = "",
    rsvp_deadline: datetime.datetime | None = None,
    paper_deadline: datetime.datetime | None = None,
    capacity: int | None = None,
    chair: Person | None = None,
    rooms: list[str] | tuple[str, ...] = (),
    organizers: list[AbstractBaseUser] | tuple = (),
) -> Conference:
    conference = Conference(
        slug=slug or _unique_slug(title_vi),
        title_vi=nfc(title_vi),
        title_en=nfc(title_en),
        kind=kind,
        legal_basis=nfc(legal_basis),
        description=description,
        review_period_start=review_period_start,
        review_period_end=review_period_end,
        host=host,
        starts_at=starts_at,
        ends_at=ends_at,
        venue_name=nfc(venue_name),
        venue_address=nfc(venue_address),
        rsvp_deadline=rsvp_deadline,
        paper_deadline=paper_deadline,
        capacity=capacity,
        chair=chair,
    )
    conference_validate(conference=conference)
    validated_save(conference)
    CallForPapers.objects.create(conference=conference)
    for position, name in enumerate(rooms):
        validated_save(Room(conference=conference, name=nfc(name), position=position))
    for user in organizers:
        conference_role_grant(conference=conference, user=user, role=ConferenceRole.Role.ORGANIZER)
    return conference


def conference_validate(*, conference: Conference) -> None:
    """The rules a conference's dates obey, whatever path writes it (service, admin form)."""
    errors: dict[str, str] = {}
    if conference.starts_at and conference.ends_at and conference.ends_at <= conference.starts_at:
        errors["ends_at"] = _("The conference must end after it starts.")
    if conference.rsvp_deadline and conference.starts_at and conference.rsvp_deadline > conference.starts_at:
        errors["rsvp_deadline"] = _("The RSVP deadline must not be after the conference starts.")
    if (
        conference.review_period_start
        and conference.review_period_end
        and conference.review_period_end < conference.review_period_start
    ):
        errors["review_period_end"] = _("The review period must not end before it starts.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def conference_update(*, conference: Conference, **fields) -> Conference:
    deadline_before = conference.rsvp_deadline
    for name, value in fields.items():
        setattr(conference, name, nfc(value) if isinstance(value, str) else value)
    conference_validate(conference=conference)
    validated_save(conference)
    if conference.rsvp_deadline != deadline_before:
        rsvp_deadline_changed(conference=conference)
    return conference


def conference_role_grant(*, conference: Conference, user: AbstractBaseUser, role: str) -> ConferenceRole:
    conference_role, _created = ConferenceRole.objects.get_or_create(
        conference=conference, user=user, role=role
    )
    return conference_role


@transaction.atomic
def conference_publish(*, conference: Conference) -> Conference:
    """Make a draft conference public. Publishing twice changes nothing."""
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    if conference.status == Conference.Status.CLOSED:
        raise ApplicationError(_("A closed conference cannot be published again."))
    if conference.status == Conference.Status.DRAFT:
        conference.status = Conference.Status.PUBLISHED
        conference.published_at = timezone.now()
        conference.save(update_fields=["status", "published_at", "updated_at"])
    return conference


def conference_close_finished(*, now: datetime.datetime | None = None) -> int:
    """Close every published conference that has ended; return how many were closed.

    A conditional update, so running it twice (or in two workers) closes each
    conference once.
    """
    now = now or timezone.now()
    return Conference.objects.filter(status=Conference.Status.PUBLISHED, ends_at__lte=now).update(
        status=Conference.Status.CLOSED, closed_at=now, updated_at=now
    )
