from django import forms
from django.utils.translation import gettext_lazy as _

from conferences.selectors.api_tokens import api_token_scope_choices
from conferences.services.api_tokens import DEFAULT_DAYS, MAX_DAYS, api_token_create
from core.exceptions import ApplicationError


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. the system using it.")
    )
    expires_in_days = forms.IntegerField(
        label=_("Valid for (days)"), initial=DEFAULT_DAYS, min_value=1, max_value=MAX_DAYS
    )
    conference = forms.ModelChoiceField(
        label=_("Conference"),
        queryset=None,
        required=False,
        empty_label=_("All my conferences"),
        help_text=_("Limit the token to one conference."),
    )
    read_only = forms.BooleanField(
        label=_("Read only"), required=False, help_text=_("The token can read but change nothing.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["conference"].queryset = api_token_scope_choices(user=user)

    def save(self):
        """Make the token through the service, its refusals onto the fields: (token, secret), or None."""
        data = self.cleaned_data
        try:
            return api_token_create(
                user=self.user,
                name=data["name"],
                expires_in_days=data["expires_in_days"],
                conference=data["conference"],
                read_only=data["read_only"],
            )
        except ApplicationError as exc:
            for field, errors in (exc.fields or {None: [exc.message]}).items():
                for error in errors:
                    self.add_error(field if field in self.fields else None, error)
            return None
