"""factory-boy factories for the conferences models, and conference_build.

Defaults build a valid, minimal row; tests set the fields they assert on.
Times are aware datetimes in Asia/Ho_Chi_Minh, like the model case (9 April 2021).
conference_build makes a conference the way organizers do, through the services;
the `conference` fixture of tests/conftest.py is one.
"""

import datetime
import secrets
import zoneinfo

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from conferences.models import (
    AgendaItem,
    Award,
    AwardCategory,
    AwardDecision,
    CallForPapers,
    Certificate,
    Conference,
    ConferenceRole,
    Invitation,
    Organization,
    Paper,
    Person,
    Province,
    Registration,
    ReviewCriterion,
    Room,
)
from conferences.services.awards import award_decision_create
from conferences.services.conferences import conference_create, conference_publish

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PASSWORD = "mat-khau-thu-nghiem-2021"


def local(*args: int) -> datetime.datetime:
    """Return an aware datetime in Vietnam time: local(2021, 4, 9, 8, 0)."""
    return datetime.datetime(*args, tzinfo=HANOI)


# The model case, as a conference_build variant: the mid-term review of Decision 19,
# published, on Friday 9 April 2021 from 08:00 to 12:00.
MODEL_CASE = {
    "publish": True,
    "slug": "so-ket-19",
    "starts_at": local(2021, 4, 9, 8, 0),
    "title_en": "Mid-term review of Decision 19",
}


def conference_build(
    host: Organization,
    *,
    days_ahead: float = 10,
    hours: float = 4,
    deadline_in_days: float | None = None,
    publish: bool = False,
    **fields,
) -> Conference:
    """Create a conference through the services: `days_ahead` days from now, `hours` long.

    `starts_at` (and `ends_at`, else `hours` later) may be given instead; the RSVP deadline
    is `deadline_in_days` from now unless `rsvp_deadline` is given. Other fields are
    conference_create's, with the title "Hội nghị sơ kết Quyết định 19" by default.
    `publish=True` publishes it with conference_publish.
    """
    now = timezone.now()
    starts_at = fields.pop("starts_at", now + datetime.timedelta(days=days_ahead))
    fields.setdefault("ends_at", starts_at + datetime.timedelta(hours=hours))
    fields.setdefault("title_vi", "Hội nghị sơ kết Quyết định 19")
    if deadline_in_days is not None:
        fields.setdefault("rsvp_deadline", now + datetime.timedelta(days=deadline_in_days))
    conference = conference_create(host=host, starts_at=starts_at, **fields)
    return conference_publish(conference=conference) if publish else conference


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.vn")
    password = factory.django.Password(PASSWORD)


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = Province

    code = factory.Sequence(lambda n: f"{n + 100:03d}")
    name = factory.Sequence(lambda n: f"Tỉnh thử nghiệm {n}")
    kind = Province.Kind.PROVINCE


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Cơ quan thử nghiệm số {n}")
    code = factory.Sequence(lambda n: f"CQ{n}")
    kind = Organization.Kind.OTHER


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    position = "Chuyên viên"
    email = factory.Sequence(lambda n: f"person{n}@example.gov.vn")


class ConferenceFactory(DjangoModelFactory):
    class Meta:
        model = Conference

    class Params:
        published = factory.Trait(
            status=Conference.Status.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
        )
        closed = factory.Trait(
            status=Conference.Status.CLOSED,
            published_at=factory.LazyFunction(timezone.now),
            closed_at=factory.LazyFunction(timezone.now),
        )

    slug = factory.Sequence(lambda n: f"hoi-nghi-{n}")
    title_vi = factory.Sequence(lambda n: f"Hội nghị sơ kết thử nghiệm {n}")
    title_en = factory.Sequence(lambda n: f"Test mid-term review conference {n}")
    host = factory.SubFactory(OrganizationFactory)
    starts_at = local(2021, 4, 9, 8, 0)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=4))
    venue_name = "Hội trường tầng 1"
    status = Conference.Status.DRAFT
    # Every conference has its call for papers row, as conference_create and migration 0009 make it.
    call_for_papers = factory.RelatedFactory(
        "tests.factories.CallForPapersFactory", factory_related_name="conference"
    )


class CallForPapersFactory(DjangoModelFactory):
    class Meta:
        model = CallForPapers

    conference = None


class RoomFactory(DjangoModelFactory):
    class Meta:
        model = Room

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Phòng {n}")


class ConferenceRoleFactory(DjangoModelFactory):
    class Meta:
        model = ConferenceRole

    conference = factory.SubFactory(ConferenceFactory)
    user = factory.SubFactory(UserFactory)
    role = ConferenceRole.Role.ORGANIZER


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    conference = factory.SubFactory(ConferenceFactory)
    organization = factory.SubFactory(OrganizationFactory)
    delegate_quota = 1


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    conference = factory.SubFactory(ConferenceFactory)
    person = factory.SubFactory(PersonFactory)


class PaperFactory(DjangoModelFactory):
    class Meta:
        model = Paper

    conference = factory.SubFactory(ConferenceFactory)
    title = factory.Sequence(lambda n: f"Tham luận thử nghiệm {n}")
    status = Paper.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class ReviewCriterionFactory(DjangoModelFactory):
    class Meta:
        model = ReviewCriterion

    conference = factory.SubFactory(ConferenceFactory)
    code = factory.Sequence(lambda n: f"tieu-chi-{n}")
    label = factory.Sequence(lambda n: f"Tiêu chí {n}")
    max_score = 10


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    conference = factory.SubFactory(ConferenceFactory)
    starts_at = factory.LazyAttribute(lambda o: o.conference.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(minutes=15))
    title = factory.Sequence(lambda n: f"Mục chương trình {n}")
    kind = AgendaItem.Kind.OTHER


class AwardCategoryFactory(DjangoModelFactory):
    class Meta:
        model = AwardCategory

    code = factory.Sequence(lambda n: f"bang-khen-{n}")
    name_vi = "Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ"
    name_en = "Certificate of Merit of the Minister of Science and Technology"
    issuer_title = "BỘ TRƯỞNG BỘ KHOA HỌC VÀ CÔNG NGHỆ"


class AwardDecisionFactory(DjangoModelFactory):
    """Create through award_decision_create, so the decision takes a real QĐ number."""

    class Meta:
        model = AwardDecision

    conference = factory.SubFactory(ConferenceFactory)
    issuer = factory.LazyAttribute(lambda o: o.conference.host if o.conference else OrganizationFactory())
    subject = "Về việc tặng Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ"
    signed_on = datetime.date(2021, 4, 5)
    signing_authority = "KT. BỘ TRƯỞNG"
    signer_title = "THỨ TRƯỞNG"
    signer_name = "Lê Xuân Định"

    @classmethod
    def _create(cls, model_class, *args, issuer, **kwargs):
        return award_decision_create(issuer=issuer, **kwargs)


class AwardFactory(DjangoModelFactory):
    class Meta:
        model = Award

    decision = factory.SubFactory(AwardDecisionFactory)
    category = factory.SubFactory(AwardCategoryFactory)
    recipient_organization = factory.SubFactory(OrganizationFactory)
    citation = "Đã có thành tích xuất sắc trong xây dựng, áp dụng Hệ thống quản lý chất lượng"
    ceremony_order = factory.Sequence(lambda n: n + 1)


class CertificateFactory(DjangoModelFactory):
    class Meta:
        model = Certificate

    conference = factory.SubFactory(ConferenceFactory)
    kind = Certificate.Kind.ATTENDANCE
    recipient_person = factory.SubFactory(PersonFactory)
    recipient_name = factory.LazyAttribute(lambda o: o.recipient_person.full_name)
    serial = factory.Sequence(lambda n: f"2021-999-{n:05d}")
    verification_code = factory.LazyFunction(
        lambda: "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    )
    issued_at = factory.LazyFunction(timezone.now)


def agenda_item_build(
    conference: Conference, start: tuple[int, int], end: tuple[int, int], title: str, day: int = 9, **fields
) -> AgendaItem:
    """Create an item of `conference` on `day` April 2021 from `start` to `end`, each (hour, minute).

    `speakers` may be given with the item's fields.
    """
    speakers = fields.pop("speakers", [])
    item = AgendaItemFactory(
        conference=conference,
        starts_at=local(2021, 4, day, *start),
        ends_at=local(2021, 4, day, *end),
        title=title,
        **fields,
    )
    item.speakers.set(speakers)
    return item
