"""Forms of the organizer's certificates page: the list's filters, generating, revoking and reissuing.

They only read and type the input; the page hands it to the selectors and services.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conferences.forms.invitations import IdListField, sort_choices
from conferences.models import Certificate
from conferences.selectors.certificate_lists import CERTIFICATE_SORTS, PENDING, REVOKED, VALID
from conferences.services.certificates import REASON_MAX_CHARS


class CertificateFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    q = forms.CharField(label=gettext_lazy("Holder"), max_length=200, required=False)
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = sort_choices(CERTIFICATE_SORTS)
        self.fields["kind"].choices = [("", _("All kinds")), *Certificate.Kind.choices]
        self.fields["state"].choices = [
            ("", _("All states")),
            (VALID, _("Valid")),
            (PENDING, _("Not rendered yet")),
            (REVOKED, _("Revoked")),
        ]


class GenerateForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Kinds"),
        choices=Certificate.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one kind of certificate.")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=REASON_MAX_CHARS,
        error_messages={"required": gettext_lazy("Give a reason for revoking the certificate.")},
    )


REVOKE, REISSUE = "revoke", "reissue"


class CertificateBulkForm(forms.Form):
    """Revoke or reissue the selected certificates, or (all_matching) every valid one the filters show."""

    ids = IdListField(required=False)
    all_matching = forms.BooleanField(required=False)
    confirmed = forms.BooleanField(required=False)
    action = forms.ChoiceField(choices=[(REVOKE, REVOKE), (REISSUE, REISSUE)])
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=REASON_MAX_CHARS,
        error_messages={"required": gettext_lazy("Give a reason for revoking the certificates.")},
    )

    def clean(self):
        data = super().clean()
        if not data.get("all_matching") and not data.get("ids") and "ids" not in self.errors:
            raise forms.ValidationError(_("Select at least one certificate."), code="required")
        return data
