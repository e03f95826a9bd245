"""Data sets built in bulk, for the tests that pin query counts at scale and for the benchmarks.

Import after Django is set up: these builders write through the models and services.
"""

import datetime
import math
import zoneinfo

from conferences.models import AgendaItem, Conference, Paper, Person, Registration, Room
from conferences.services.agenda_publishing import agenda_publish
from conferences.services.conferences import conference_create, conference_publish
from conferences.services.organizations import organization_create
from core.text import fold, vietnamese_name_sort_key
from core.ticket_codes import ticket_codes_distinct
from core.tokens import token_new

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
SLOTS_PER_DAY = 34  # 08:00 to 16:30 in 15-minute slots.
GIVEN_NAMES = ["Hùng", "Lan", "Minh", "Hương", "Dũng", "Thảo", "Quảng", "Định", "Khai", "Yến"]


def local(*args: int) -> datetime.datetime:
    """Return an aware datetime in Vietnam time: local(2021, 4, 8, 8, 0)."""
    return datetime.datetime(*args, tzinfo=HANOI)


def agenda_at_scale(
    *,
    slug: str = "so-ket-quy-mo-lon",
    host_code: str = "BKHCN-QML",
    items: int = 300,
    registrations: int = 3000,
    papers: int = 0,
    rooms: int = 3,
    days: int = 3,
) -> tuple[Conference, str]:
    """Build a published conference with a published agenda; return it and one speaker's personal link.

    Items run in `rooms` rooms at once, in 15-minute slots spread evenly over `days`
    days (three and three by default), each with two speakers of its own
    and a chair; the first `papers` items present an accepted paper. The host and the
    conference are made by the services, the other rows go in with bulk_create; the
    agenda is published once with agenda_publish.
    """
    slots_per_day = math.ceil(math.ceil(items / rooms) / days)
    if slots_per_day > SLOTS_PER_DAY:
        raise ValueError(f"{items} items do not fit in {rooms} rooms over {days} days.")
    conference = conference_create(
        slug=slug,
        host=organization_create(name=f"Bộ Khoa học và Công nghệ ({slug})", code=host_code),
        title_vi="Hội nghị sơ kết 5 năm thực hiện Quyết định số 19/2014/QĐ-TTg",
        title_en="Five-year review of Decision 19/2014/QĐ-TTg",
        starts_at=local(2021, 4, 8, 8, 0),
        ends_at=local(2021, 4, 8 + days - 1, 17, 0),
        venue_name="Hội trường Bộ Khoa học và Công nghệ",
        venue_address="113 Trần Duy Hưng, Hà Nội",
    )
    conference = conference_publish(conference=conference)
    room_rows = Room.objects.bulk_create(
        [Room(conference=conference, name=f"Phòng {n}01", position=n) for n in range(1, rooms + 1)]
    )
    names = [
        f"Nguyễn Văn {GIVEN_NAMES[n % 10]} {slug} {n}" for n in range(max(registrations, 2 * items + 30))
    ]
    people = Person.objects.bulk_create(
        [
            Person(
                full_name=name,
                position="Giám đốc Sở",
                email=f"{slug}-{n}@example.gov.vn",
                search_name=fold(name),
                sort_key=vietnamese_name_sort_key(name),
            )
            for n, name in enumerate(names)
        ]
    )
    token, token_hash = token_new()
    codes = ticket_codes_distinct(registrations)
    Registration.objects.bulk_create(
        [
            Registration(
                conference=conference,
                person=person,
                token_hash=token_hash if n == 0 else None,
                ticket_code=codes[n],
            )
            for n, person in enumerate(people[:registrations])
        ]
    )
    accepted = Paper.objects.bulk_create(
        [
            Paper(
                conference=conference,
                title=f"Tham luận số {n + 1} về áp dụng TCVN ISO 9001:2015",
                status=Paper.Status.ACCEPTED,
            )
            for n in range(papers)
        ]
    )
    rows = []
    for n in range(items):
        day, minute = divmod(n // rooms, slots_per_day)
        starts_at = local(2021, 4, 8 + day, 8, 0) + datetime.timedelta(minutes=15 * minute)
        rows.append(
            AgendaItem(
                conference=conference,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(minutes=15),
                room=room_rows[n % rooms],
                kind=AgendaItem.Kind.PAPER if n < papers else AgendaItem.Kind.REPORT,
                title=f"Tham luận số {n + 1}: kết quả xây dựng, áp dụng hệ thống quản lý chất lượng tại Sở",
                description="Đánh giá 5 năm thực hiện Quyết định số 19/2014/QĐ-TTg, giai đoạn 2015 - 2020.",
                presenter_text=f"Sở Khoa học và Công nghệ tỉnh thử nghiệm {n}",
                chair=people[2 * items + n % 30],
                paper=accepted[n] if n < papers else None,
                position=n,
            )
        )
    created = AgendaItem.objects.bulk_create(rows)
    AgendaItem.speakers.through.objects.bulk_create(
        [
            AgendaItem.speakers.through(agendaitem_id=item.pk, person_id=people[2 * n + k].pk)
            for n, item in enumerate(created)
            for k in (0, 1)
        ]
    )
    agenda_publish(conference=conference)
    return conference, f"/dai-bieu/{token}/chuong-trinh.ics"
