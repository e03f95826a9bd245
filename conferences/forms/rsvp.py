"""Forms of the pages opened without an account: an agency's answer to an invitation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from conferences.models import Invitation
from conferences.services.rsvp import DelegateInput

ACCEPT, DECLINE = "accept", "decline"
DELEGATE_FIELDS = ("full_name", "position", "email", "phone")


class RsvpForm(forms.Form):
    """The answer itself; the delegates come in a formset beside it (see delegate_formset)."""

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(ACCEPT, _("We will attend")), (DECLINE, _("We cannot attend"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether your agency will attend.")},
    )
    # The number of the delegate row whose person presents the paper (a radio in each row).
    presenter = forms.TypedChoiceField(label=_("Presents the paper"), coerce=int, required=False)

    def __init__(self, *args, invitation: Invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["presenter"].choices = [("", _("Not decided yet"))] + [
            (str(row), str(row + 1)) for row in range(invitation.delegate_quota)
        ]
        self.fields["presenter"].empty_value = None
        # Without a requested paper the field is not shown; disabled, it ignores whatever is posted.
        self.fields["presenter"].disabled = not invitation.paper_requested

    @property
    def accepts(self) -> bool:
        return self.cleaned_data.get("answer") == ACCEPT


class DelegateForm(forms.Form):
    """One delegate row. Every field is optional so that a row left empty is simply not sent."""

    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    def clean(self):
        data = super().clean()
        if self.is_blank:
            return data
        if not data.get("full_name") and "full_name" not in self.errors:
            self.add_error("full_name", _("Enter the delegate's full name."))
        if not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Enter an e-mail address: the delegate's confirmation is sent there."))
        return data

    @property
    def is_blank(self) -> bool:
        """True for a row with nothing typed in it (whatever the validation said)."""
        return not any((self.data.get(self.add_prefix(name)) or "").strip() for name in DELEGATE_FIELDS)

    def delegate(self) -> DelegateInput:
        data = self.cleaned_data
        return DelegateInput(
            full_name=data["full_name"], email=data["email"], position=data["position"], phone=data["phone"]
        )


class BaseDelegateFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen: dict[str, int] = {}
        for number, form in enumerate(self.forms, start=1):
            if form.is_blank:
                continue
            email = form.cleaned_data["email"].strip().lower()
            if email in seen:
                form.add_error(
                    "email",
                    _("This e-mail address is already given for delegate %(n)s.") % {"n": seen[email]},
                )
            else:
                seen[email] = number

    def filled_forms(self) -> list[DelegateForm]:
        return [form for form in self.forms if not form.is_blank]


def delegate_formset(*, invitation: Invitation, data=None, initial=None) -> BaseDelegateFormSet:
    """Rows up to the invitation's quota, the current delegates first (replacing one is editing a row)."""
    formset_class = forms.formset_factory(
        DelegateForm,
        formset=BaseDelegateFormSet,
        extra=invitation.delegate_quota,
        max_num=invitation.delegate_quota,
    )
    # validate_max is off on purpose: too many delegates is the service's rule and its message.
    return formset_class(data=data, initial=initial, prefix="delegates")
