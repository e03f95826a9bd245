"""The door's one field: a typed ticket code or a scanned delegate's link."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CheckInForm(forms.Form):
    # No length or format rule here: the service checks the text and says what is wrong with it.
    code = forms.CharField(
        label=_("Ticket code or scanned link"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "ABC-DEFG",
                "class": "check-in-code",
                "enterkeyhint": "go",
            }
        ),
    )
