"""Check-in at the door: the one rule every desk, page, API call and admin action goes through.

Arrival is recorded by one conditional UPDATE (only a confirmed registration
not yet checked in), so three desks scanning the same person at once record
one arrival: the database lets exactly one UPDATE match the row, the others
find it already checked in and report who did it and when.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from conferences.models import AuditEntry, Conference, Registration
from conferences.selectors.check_in import (
    registration_for_check_in,
    registration_get_by_ticket_code,
    user_display_name,
)
from conferences.selectors.invitations import registration_get_by_token
from conferences.services.audit import audit_record
from core.exceptions import ApplicationError
from core.ticket_codes import (
    ticket_code_check_passes,
    ticket_code_display,
    ticket_code_is_well_formed,
    ticket_code_normalise,
)

# A scanned personal page: .../dai-bieu/<token>/ (the QR code of the page and of the e-ticket).
_DELEGATE_PATH = re.compile(r"/dai-bieu/([A-Za-z0-9_.-]{1,100})/?$")
# Longer than any link or code the desk can mean; refused before any parsing.
MAX_INPUT_LENGTH = 500


@dataclass(frozen=True)
class CheckInResult:
    registration: Registration
    first_time: bool
    checked_in_at: datetime.datetime
    checked_in_by: object | None  # the user, None if unknown (removed, or recorded before 0012)

    @property
    def checked_in_by_name(self) -> str:
        return user_display_name(self.checked_in_by)

    @property
    def message(self) -> str:
        """What the desk reads: checked in now, or already, at what time and by whom."""
        name = self.registration.display_name
        time = arrival_label(self.checked_in_at)
        if self.first_time:
            return _("%(name)s checked in at %(time)s.") % {"name": name, "time": time}
        if self.checked_in_by_name:
            return _("%(name)s was already checked in at %(time)s by %(by)s.") % {
                "name": name,
                "time": time,
                "by": self.checked_in_by_name,
            }
        return _("%(name)s was already checked in at %(time)s.") % {"name": name, "time": time}


def arrival_label(moment: datetime.datetime, *, now: datetime.datetime | None = None) -> str:
    """ "07:42" on the day itself, "07:42 09/04/2021" on another day (local time)."""
    local = timezone.localtime(moment)
    today = timezone.localtime(now or timezone.now()).date()
    label = local.strftime("%H:%M")
    return label if local.date() == today else f"{label} {date_format(local, 'd/m/Y')}"


@transaction.atomic
def registration_check_in(
    *, registration: Registration, user, now: datetime.datetime | None = None
) -> CheckInResult:
    """Record the delegate's arrival once; a second scan returns the first arrival and who recorded it."""
    now = now or timezone.now()
    checker = user if user is not None and user.is_authenticated else None
    # The conditional UPDATE is the whole rule: of concurrent desks exactly one matches the row.
    claimed = Registration.objects.filter(
        pk=registration.pk, status=Registration.Status.CONFIRMED, checked_in_at__isnull=True
    ).update(checked_in_at=now, checked_in_by=checker, updated_at=now)
    current = registration_for_check_in(pk=registration.pk)
    if not claimed and current.checked_in_at is None:
        # Nothing matched and nobody arrived: the registration is not confirmed.
        raise ApplicationError(
            _("%(name)s's registration was cancelled: no check-in.") % {"name": current.display_name},
            code="registration_cancelled",
        )
    if claimed:
        audit_record(
            target=current,
            conference=current.conference,
            actor=checker,
            action=AuditEntry.Action.REGISTRATION_CHECKED_IN,
            data={"checked_in_at": now.isoformat()},
        )
    return CheckInResult(
        registration=current,
        first_time=bool(claimed),
        checked_in_at=current.checked_in_at,
        checked_in_by=current.checked_in_by,
    )


def registration_find_for_door(*, conference: Conference, text: str) -> Registration:
    """The registration a desk typed (a ticket code) or scanned (a personal page link), or a clear refusal.

    Checks the code's form and check character before any lookup, so a typo
    is named as one. A registration of another conference is refused.
    """
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Type the ticket code or scan the QR code."), code="empty")
    if len(text) > MAX_INPUT_LENGTH:
        raise ApplicationError(
            _("That is too long to be a ticket code or a delegate's link."), code="too_long"
        )
    match = _DELEGATE_PATH.search(urlsplit(text).path) if "/" in text else None
    if match:
        registration = registration_get_by_token(token=match.group(1))
        if registration is None:
            raise ApplicationError(
                _("This QR code is not a valid delegate's link (cancelled or replaced)."),
                code="unknown_link",
            )
        if registration.conference_id != conference.pk:
            raise ApplicationError(
                _("This delegate is registered for another conference."), code="other_conference"
            )
        return registration
    code = ticket_code_normalise(text)
    if not ticket_code_is_well_formed(code):
        raise ApplicationError(
            _("A ticket code has 7 characters (letters and digits, without 0, O, 1, I or L), like ABC-DEFG."),
            code="malformed",
        )
    if not ticket_code_check_passes(code):
        raise ApplicationError(
            _("The code %(code)s has a typo: check each character against the ticket.")
            % {"code": ticket_code_display(code)},
            code="typo",
        )
    registration = registration_get_by_ticket_code(conference=conference, code=code)
    if registration is None:
        raise ApplicationError(
            _("No delegate of this conference has the code %(code)s.") % {"code": ticket_code_display(code)},
            code="unknown_code",
        )
    return registration


def registration_check_in_at_door(
    *, conference: Conference, text: str, user, now: datetime.datetime | None = None
) -> CheckInResult:
    """Check in whoever the desk typed or scanned (see registration_find_for_door)."""
    registration = registration_find_for_door(conference=conference, text=text)
    return registration_check_in(registration=registration, user=user, now=now)


def registrations_check_in_many(
    *, registrations: Iterable[Registration], user, now: datetime.datetime | None = None
) -> int:
    """Check in each registration as the desk would (registration_check_in); return how many arrived now.

    Those already checked in keep their first arrival; a registration cancelled meanwhile is skipped.
    """
    now = now or timezone.now()
    arrived = 0
    for registration in registrations:
        try:
            result = registration_check_in(registration=registration, user=user, now=now)
        except ApplicationError:
            continue
        arrived += result.first_time
    return arrived
