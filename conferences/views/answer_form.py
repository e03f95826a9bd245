"""The answer to an invitation as a form: the agency's page (delegates.rsvp) and the organizer's page
answering for an agency (organizer_answers) fill, read and record it the same way.

The rules of the answer are rsvp_submit's; this module only turns the posted
form into its arguments and puts its refusals next to the fields they name.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from conferences.forms.rsvp import ACCEPT, DECLINE, BaseDelegateFormSet, RsvpForm, delegate_formset
from conferences.models import Invitation, Registration
from conferences.services.rsvp import rsvp_submit
from core.exceptions import ApplicationError

# The refusals that say the invitation takes no answer now, rather than what to correct.
CLOSED_CODES = {"revoked", "closed", "deadline_passed"}


@dataclass
class AnswerForm:
    form: RsvpForm
    formset: BaseDelegateFormSet
    # The service's messages about the delegates as a whole (shown above the rows).
    delegate_errors: list[str] = field(default_factory=list)
    # Set when the service said answers are closed (e.g. the deadline passed meanwhile).
    closed_reason: str = ""

    def context(self) -> dict:
        presenter_value = self.form["presenter"].value()
        formset = self.formset
        errors = [*formset.non_form_errors(), *self.delegate_errors] if formset.is_bound else []
        return {
            "form": self.form,
            "formset": formset,
            "rows": [{"form": row, "number": n + 1, "value": str(n)} for n, row in enumerate(formset.forms)],
            "selected_presenter": "" if presenter_value in (None, "") else str(presenter_value),
            "delegate_errors": errors,
        }


def answer_form(*, invitation: Invitation, delegates: list[Registration], data=None) -> AnswerForm:
    """The form bound to posted data, or showing the current answer and delegates as they were named."""
    if data is not None:
        return AnswerForm(
            RsvpForm(data, invitation=invitation), delegate_formset(invitation=invitation, data=data)
        )
    answer = {Invitation.Status.ACCEPTED: ACCEPT, Invitation.Status.DECLINED: DECLINE}.get(invitation.status)
    presenter = next(
        (row for row, r in enumerate(delegates) if r.person_id == invitation.paper_presenter_id), None
    )
    rows = [
        {
            "full_name": r.display_name,
            "position": r.display_position,
            "email": r.person.email,
            "phone": r.display_phone,
        }
        for r in delegates[: invitation.delegate_quota]
    ]
    return AnswerForm(
        RsvpForm(initial={"answer": answer, "presenter": presenter}, invitation=invitation),
        delegate_formset(invitation=invitation, initial=rows),
    )


def answer_record(answer: AnswerForm, *, invitation: Invitation, actor=None) -> bool:
    """Validate the posted answer and record it through rsvp_submit; on refusal say why on the form.

    `actor` is the organizer answering for the agency, None for the agency itself.
    """
    form, formset = answer.form, answer.formset
    if not form.is_valid() or (form.accepts and not formset.is_valid()):
        return False
    delegates, presenter_email = [], ""
    if form.accepts:
        delegates = [row.delegate() for row in formset.filled_forms()]
        presenter = form.cleaned_data["presenter"] if invitation.paper_requested else None
        if presenter is not None:
            rows = formset.forms
            if presenter >= len(rows) or rows[presenter].is_blank:
                if actor is None:
                    form.add_error("presenter", _("Choose the presenter among the delegates you named."))
                else:
                    form.add_error("presenter", _("Choose the presenter among the delegates named."))
                return False
            presenter_email = rows[presenter].cleaned_data["email"]
    try:
        rsvp_submit(
            invitation=invitation,
            accept=form.accepts,
            delegates=delegates,
            presenter_email=presenter_email,
            actor=actor,
        )
    except ValidationError as exc:
        _show_service_errors(exc, answer)
        return False
    except ApplicationError as exc:
        if exc.code in CLOSED_CODES and actor is None:
            answer.closed_reason = exc.message
        else:
            form.add_error(None, exc.message)
        return False
    return True


def _show_service_errors(exc: ValidationError, answer: AnswerForm) -> None:
    """Put the service's messages next to the fields they name; keep those about the delegates apart."""
    form = answer.form
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, messages in exc.message_dict.items():
        if name == "delegates":
            answer.delegate_errors.extend(messages)
        elif name == "presenter_email":
            form.add_error("presenter", messages)
        else:
            form.add_error(None, messages)
