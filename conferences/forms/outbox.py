"""Forms of the outbox pages: the filter and the bulk approve/cancel selection."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from notifications.selectors import NOTIFICATION_SORTS, notice_kind_choices, notification_state_choices


def _kind_choices():
    return [("", _("All kinds")), *notice_kind_choices()]


class OutboxFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=_kind_choices, required=False)
    state = forms.ChoiceField(
        label=_("State"),
        choices=lambda: [("", _("All states")), *notification_state_choices()],
        required=False,
    )
    q = forms.CharField(label=_("Recipient"), max_length=254, required=False)
    sort = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        choices=[
            ("", ""),
            *((key, key) for key in NOTIFICATION_SORTS),
            *((f"-{k}", k) for k in NOTIFICATION_SORTS),
        ],
    )

    def selector_filters(self) -> dict:
        """The valid filters as the notice selectors take them (none when the form is not valid)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "kind": data.get("kind") or None,
            "state": data.get("state") or None,
            "recipient": data.get("q") or None,
        }

    def filter_fields(self) -> list[tuple[str, str]]:
        """The filters in force as (name, value), for a form that sends them on."""
        data = self.cleaned_data if self.is_valid() else {}
        return [(name, data[name]) for name in ("kind", "state", "q") if data.get(name)]


class UUIDListField(forms.Field):
    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one notice."),
        "invalid": _("The selection is not valid; reload the page and try again."),
    }

    def to_python(self, value) -> list[uuid.UUID]:
        if not value:
            return []
        try:
            return [uuid.UUID(str(item)) for item in value]
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class BulkActionForm(forms.Form):
    """The selected notices, or (all_matching) every notice the outbox filters show, sent with it."""

    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("cancel", _("Cancel"))])
    ids = UUIDListField(required=False)
    all_matching = forms.BooleanField(required=False)
    confirmed = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("all_matching") and not data.get("ids") and "ids" not in self.errors:
            raise ValidationError(UUIDListField.default_error_messages["required"], code="required")
        return data
