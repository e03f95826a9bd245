"""Forms of the organizer's invitation pages: the overview's filters, inviting a group of
agencies, sending a selection, revoking one invitation.

The forms only read and type the input; the pages hand it to the selectors and services.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conferences.models import Invitation, Organization, Province
from conferences.selectors.invitations import INVITATION_SORTS
from core.validators import validate_id

MAX_QUOTA = 50


def province_choices(provinces: list[Province], empty_label) -> list[tuple[str, str]]:
    return [("", empty_label), *((p.code, p.name) for p in provinces)]


def sort_choices(keys) -> list[tuple[str, str]]:
    """A list's hidden `sort` values: a column's key, or "-" and the key for the other way."""
    return [("", ""), *((key, key) for key in keys), *((f"-{key}", f"-{key}") for key in keys)]


class InvitationFilterForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Agency kind"), required=False)
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    q = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, provinces: list[Province], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = sort_choices(INVITATION_SORTS)
        self.fields["state"].choices = [("", _("All states")), *Invitation.Status.choices]
        self.fields["kind"].choices = [("", _("All kinds")), *Organization.Kind.choices]
        self.fields["province"].choices = province_choices(provinces, _("All provinces"))

    def selector_filters(self) -> dict:
        """The valid filters as invitation_list takes them (none when the form is not valid)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("state") or None,
            "kind": data.get("kind") or None,
            "province_code": data.get("province") or None,
            "query": data.get("q") or None,
        }


class BulkInviteForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Agency kind"), required=False)
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    delegate_quota = forms.IntegerField(
        label=gettext_lazy("Delegates per agency"), min_value=1, max_value=MAX_QUOTA, initial=1
    )
    paper_requested = forms.BooleanField(label=gettext_lazy("Ask for a paper"), required=False)
    paper_topic = forms.CharField(label=gettext_lazy("Paper topic"), max_length=400, required=False)
    note = forms.CharField(
        label=gettext_lazy("Note in the letter"),
        max_length=Invitation._meta.get_field("note").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, provinces: list[Province], **kwargs):
        # The invitations page also shows the filter form, whose kind and province would
        # get the same ids (id_kind, id_province): only the ids change, the field names
        # the page and the tests post stay.
        kwargs.setdefault("auto_id", "id_bulk_%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *Organization.Kind.choices]
        self.fields["province"].choices = province_choices(provinces, _("Any province"))

    def clean(self):
        data = super().clean()
        # Neither filter would invite every agency in the register: surely not what was meant.
        if not data.get("kind") and not data.get("province"):
            raise ValidationError(_("Choose an agency kind, a province, or both."))
        if data.get("paper_topic") and not data.get("paper_requested"):
            self.add_error("paper_requested", _("Tick this box to ask for a paper on the topic."))
        return data


class IdListField(forms.Field):
    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": gettext_lazy("Select at least one invitation."),
        "invalid": gettext_lazy("The selection is not valid; reload the page and try again."),
    }

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        try:
            ids = sorted({int(item) for item in value})
            for pk in ids:
                validate_id(pk)
        except (TypeError, ValueError, ValidationError) as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        return ids


class SendSelectedForm(forms.Form):
    """The selected drafts, or (all_matching) every draft the list's filters show, sent with it."""

    ids = IdListField(required=False)
    all_matching = forms.BooleanField(required=False)
    confirmed = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("all_matching") and not data.get("ids") and "ids" not in self.errors:
            raise ValidationError(IdListField.default_error_messages["required"], code="required")
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        error_messages={"required": gettext_lazy("Give the reason for revoking the invitation.")},
    )
