"""Forms of the organizer's delegate list: its filters and the bulk check-in.

The forms only read and type the input; the page hands it to the selectors and services.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conferences.forms.invitations import IdListField, province_choices, sort_choices
from conferences.models import Organization, Province
from conferences.selectors.delegates import CHECKED_IN, DELEGATE_SORTS, NOT_CHECKED_IN


class DelegateFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Agency kind"), required=False)
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    checked_in = forms.ChoiceField(label=gettext_lazy("Check-in"), required=False)
    q = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, provinces: list[Province], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = sort_choices(DELEGATE_SORTS)
        self.fields["kind"].choices = [("", _("All kinds")), *Organization.Kind.choices]
        self.fields["province"].choices = province_choices(provinces, _("All provinces"))
        self.fields["checked_in"].choices = [
            ("", _("Everyone")),
            (CHECKED_IN, _("Checked in")),
            (NOT_CHECKED_IN, _("Not checked in")),
        ]

    def selector_filters(self) -> dict:
        """The valid filters as delegate_roster takes them (none when the form is not valid)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "kind": data.get("kind") or None,
            "province_code": data.get("province") or None,
            "checked_in": data.get("checked_in") or None,
            "query": data.get("q") or None,
        }

    def query_fields(self) -> list[tuple[str, str]]:
        """The filters in force as (name, value) pairs, for links and hidden fields that keep them."""
        data = self.cleaned_data if self.is_valid() else {}
        return [(name, data[name]) for name in ("kind", "province", "checked_in", "q") if data.get(name)]


class DelegateSelectionForm(forms.Form):
    """The selected delegates, or (all_matching) every one the list's filters show, sent with it."""

    ids = IdListField(
        required=False,
        error_messages={
            "invalid": gettext_lazy("The selection is not valid; reload the page and try again."),
        },
    )
    all_matching = forms.BooleanField(required=False)
    confirmed = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("all_matching") and not data.get("ids") and "ids" not in self.errors:
            raise ValidationError(_("Select at least one delegate."), code="required")
        return data
