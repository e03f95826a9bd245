"""The invitation letter (Giấy mời, Decree 30/2020 form 1.7), with the agenda attached when published."""

from django.conf import settings
from django.utils import timezone

from conferences.documents.rendering import render_pdf
from conferences.models import AgendaVersion, Invitation

TEMPLATE = "documents/invitation_letter.html"


def invitation_letter_context(invitation: Invitation) -> dict:
    conference = invitation.conference
    host = conference.host
    agenda = AgendaVersion.objects.filter(conference=conference).order_by("-number").first()
    document = invitation.document
    return {
        "invitation": invitation,
        "conference": conference,
        "issuer": host,
        "parent_body": host.parent.name if host.parent_id else "",
        "document_number": document.formatted if document else "",
        "issued_on": document.issued_on if document else timezone.localdate(),
        "place": settings.DOCUMENT_PLACE,
        "addressee": invitation.addressee or _default_addressee(invitation),
        "starts_at": timezone.localtime(conference.starts_at),
        "agenda": agenda,
        "agenda_items": agenda.items if agenda else [],
        "signing": settings.INVITATION_SIGNING,
        "drafting_unit": settings.DOCUMENT_DRAFTING_UNIT,
    }


def _default_addressee(invitation: Invitation) -> str:
    if invitation.organization_id:
        return f"Đại diện Lãnh đạo {invitation.organization.name}"
    person = invitation.person
    return f"Đồng chí {person.full_name}" + (f", {person.position}" if person.position else "")


def render_invitation_letter(invitation: Invitation) -> bytes:
    return render_pdf(TEMPLATE, invitation_letter_context(invitation))


def invitation_letter_filename(invitation: Invitation) -> str:
    if invitation.document_id is None:
        return f"giay-moi-du-thao-{invitation.pk}.pdf"
    return f"giay-moi-{invitation.document.number:02d}.pdf"
