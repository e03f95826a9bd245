"""Forms of the outbox pages: the filter and the bulk approve/cancel selection."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from notifications.selectors import notice_kind_choices, notification_state_choices


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
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("cancel", _("Cancel"))])
    ids = UUIDListField()
