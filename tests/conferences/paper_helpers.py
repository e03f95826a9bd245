"""Builders for the submission tests: an invited agency's delegate with their personal link."""

import datetime

from django.utils import timezone

from conferences.models import Registration
from conferences.services.invitations import invitation_create, registration_create
from conferences.services.organizations import organization_create, person_create
from conferences.services.papers import AuthorInput
from core.tokens import token_new


def open_call_kwargs(days: float = 5) -> dict:
    """conference_kwargs for a conference whose call closes `days` from now (and starts later)."""
    return {"paper_deadline": timezone.now() + datetime.timedelta(days=days), "days_ahead": days + 5}


def delegate_with_link(
    conference, *, paper_requested: bool = True, number: int = 1, agency=None
) -> tuple[Registration, str]:
    """A confirmed delegate of an invited department, and the token of their personal link."""
    agency = agency or organization_create(
        name=f"Sở Khoa học và Công nghệ tỉnh Thử {number}", kind="department", contact_emails=[]
    )
    invitation = invitation_create(
        conference=conference, organization=agency, paper_requested=paper_requested
    )
    person = person_create(
        full_name=f"Lê Văn Đại Biểu {number}",
        email=f"dai-bieu-{number}@so{number}.gov.vn",
        organization=agency,
    )
    registration = registration_create(
        conference=conference, person=person, organization=agency, invitation=invitation
    )
    token, token_hash = token_new()
    registration.token_hash = token_hash
    registration.save(update_fields=["token_hash"])
    return registration, token


def me(registration: Registration, **changes) -> AuthorInput:
    """The delegate as the first author."""
    person = registration.person
    fields = {
        "full_name": person.full_name,
        "organization": registration.organization,
        "email": person.email,
        "position": "Giám đốc",
    }
    return AuthorInput(**{**fields, **changes})


def submission(registration: Registration, **changes) -> dict:
    """paper_submit's keywords for a valid paper with text and no file."""
    fields = {
        "registration": registration,
        "title": "Kết quả áp dụng TCVN ISO 9001 tại tỉnh Quảng Ninh",
        "abstract": "Tóm tắt **kết quả** giai đoạn 2015 - 2020.",
        "body": "# Mở đầu\n\nNội dung tham luận.",
        "topic": None,
        "authors": [me(registration)],
        "presenter_index": 0,
    }
    return {**fields, **changes}
