"""Notices written in a batch are exactly the notices written one by one.

notify renders the templates once per language with a placeholder name and
builds the message once with stand-ins (notifications.rendering, MimeTemplate);
these tests pin that every recipient still gets what rendering and building
their notice on its own gives.
"""

import re

import pytest
from django.test import override_settings

from notifications.channels.email import serialize_without_date
from notifications.models import Notification
from notifications.rendering import notice_template, render_notice
from notifications.services import Attachment, Recipient, notify

pytestmark = pytest.mark.django_db

NAMES = [
    "Nguyễn Văn An",
    "Sở Khoa học & Công nghệ <Quảng Ninh>",
    'Trần "Bình" O\'Neil',
    "  Lê Thị Hoa  ",
    "",
    "Phạm\tVăn\nĐông",
    "Nguyễn Văn A\u2028dòng hai",
    "Nguye\u0302\u0303n Va\u0306n Nam",  # NFD, as some systems send it
    "Đỗ " + "𝓐" * 250,  # a line over 998 bytes: the text goes quoted-printable
]
ADDRESSES = [
    "vanthu@skhcn.quangninh.gov.vn",
    "First.Last+tag@Example.VN",
    "o'neil@example.org",
    "người-nhận@ví-dụ.vn",
    "x" * 70 + "@example.org",  # a To header long enough to be folded
]


def _boundary_free(data: bytes) -> bytes:
    """The message with its random MIME boundary replaced, so two builds of it compare equal."""
    found = re.search(rb'boundary="([^"]+)"', data)
    return data.replace(found.group(1), b"BOUNDARY") if found else data


def _notify_everyone(conference, recipients, **kwargs):
    return notify(
        recipients=recipients,
        kind="announcement",
        context={
            "conference": conference,
            "title": "Thay đổi phòng họp",
            "message": "Hội trường B.\nTầng 3.",
        },
        idempotency_key="announcement:batch",
        hold=True,
        **kwargs,
    )


def test_a_batch_renders_and_builds_each_notice_as_one_by_one(conference):
    people = [(name, language) for language in ("vi", "en") for name in NAMES]
    recipients = [
        Recipient(address=f"dai-bieu-{n}@example.vn", name=name, language=language)
        for n, (name, language) in enumerate(people)
    ] + [Recipient(address=address, name="Nguyễn Văn An") for address in ADDRESSES]

    rows = _notify_everyone(conference, recipients)

    assert len(rows) == len(recipients)
    context = {"conference": conference, "title": "Thay đổi phòng họp", "message": "Hội trường B.\nTầng 3."}
    for row in rows:
        alone = render_notice(
            kind="announcement",
            context={**context, "recipient_name": row.recipient_name},
            language=row.language,
        )
        assert (row.subject, row.body_text, row.body_html) == (alone.subject, alone.text, alone.html)
        assert _boundary_free(bytes(row.mime)) == _boundary_free(serialize_without_date(row, attachments=()))


def test_the_rows_read_back_are_the_rows_returned(conference):
    rows = _notify_everyone(
        conference, [Recipient(address=f"d{i}@example.org", name=f"Đại biểu {i}") for i in range(5)]
    )

    stored = Notification.objects.in_bulk([row.id for row in rows])
    for row in rows:
        again = stored[row.id]
        fields = [f.attname for f in Notification._meta.concrete_fields if f.attname != "mime"]
        assert {f: getattr(again, f) for f in fields} == {f: getattr(row, f) for f in fields}
        assert bytes(again.mime) == bytes(row.mime)


def test_a_batch_with_an_attachment_stores_the_file_once_and_builds_no_message(conference):
    pdf = Attachment(filename="chuong-trinh.pdf", content=b"%PDF-1.7 demo", content_type="application/pdf")

    rows = _notify_everyone(
        conference,
        [Recipient(address=f"d{i}@example.org", name=f"Đại biểu {i}") for i in range(3)],
        attachments=[pdf],
    )

    assert [row.mime for row in rows] == [None, None, None]
    files = {a.file.name for row in rows for a in row.attachments.all()}
    assert len(files) == 1


TEMPLATES = {
    "email/probe/subject.txt": "{% autoescape off %}Về {{ topic }}{% endautoescape %}",
    "email/probe/body.txt": "{% autoescape off %}Kính gửi {{ recipient_name }},{% endautoescape %}",
    "email/probe/body.html": "<p>Kính gửi {{ recipient_name }}</p>",
    "email/shout/subject.txt": "Về {{ topic }}",
    "email/shout/body.txt": "KÍNH GỬI {{ recipient_name|upper }}",
    "email/initial/subject.txt": "Về {{ topic }}",
    "email/initial/body.txt": (
        "{% if recipient_name|length > 40 %}Kính gửi quý vị{% else %}Kính gửi {{ recipient_name }}{% endif %}"
    ),
}


@pytest.fixture
def probe_templates():
    engine = {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", TEMPLATES)]},
    }
    with override_settings(TEMPLATES=[engine]):
        yield


def test_a_template_that_uses_the_name_plainly_is_rendered_once(probe_templates):
    template = notice_template(kind="probe", context={"topic": "A & B"}, language="vi")

    message = template.fill("Trần <Bình> & Co")

    assert message.subject == "Về A & B"
    assert message.text == "Kính gửi Trần <Bình> & Co,\n"
    assert message.html == "<p>Kính gửi Trần &lt;Bình&gt; &amp; Co</p>"


@pytest.mark.parametrize("kind", ["shout", "initial"])
def test_a_template_that_filters_or_tests_the_name_is_rendered_for_each_recipient(probe_templates, kind):
    assert notice_template(kind=kind, context={"topic": "T"}, language="vi") is None
