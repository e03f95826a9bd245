"""Forms of the account pages: asking for a password reset link."""

from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from conferences.services.accounts import password_reset_send


class PasswordForgottenForm(PasswordResetForm):
    """Django's form, its e-mail written to the outbox instead of sent from the request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail")
        self.fields["email"].help_text = _("The address your account is registered with.")

    def save(self, **kwargs) -> None:
        # Django's save() sends with send_mail from the request; the outbox sends (and retries) instead.
        password_reset_send(email=self.cleaned_data["email"], language=get_language() or "vi")
