"""The site's account pages: sign in, sign out, a forgotten password; and the lockout page of django-axes.

Django's own views do the work. What is ours: where a person lands after
signing in, a sign-out page that also answers GET (with a button, since
signing out changes state), and the reset e-mail, written to the outbox by
PasswordForgottenForm and limited per client (services.guess_limits).
"""

import math

from axes.helpers import get_cool_off
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from conferences.forms.accounts import PasswordForgottenForm
from conferences.selectors.conferences import conference_ids_organized_by
from conferences.selectors.reviews import reviewer_conferences
from conferences.services.accounts import account_lockout_lift
from conferences.services.guess_limits import PASSWORD_RESETS, guess_limit_reached, guess_miss_record
from core.http import client_ip


def lockout_minutes(request) -> int:
    """How long a lockout lasts after the last failure, in whole minutes."""
    return math.ceil(get_cool_off(request).total_seconds() / 60)


def sign_in_locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    minutes = lockout_minutes(request)
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


def landing_url(user) -> str:
    """Where a person lands after signing in without a `next`: the workspace.

    A reviewer of exactly one conference who organizes none goes straight to
    that conference's papers: the workspace would list only that one line.
    """
    if not user.is_superuser and not conference_ids_organized_by(user=user).exists():
        reviewed = list(reviewer_conferences(user=user).values_list("slug", flat=True)[:2])
        if len(reviewed) == 1:
            return reverse("conferences:reviewer-papers", args=[reviewed[0]])
    return reverse("conferences:workspace")


class SignInView(auth_views.LoginView):
    template_name = "registration/sign_in.html"

    def get_default_redirect_url(self):
        return landing_url(self.request.user)


class SignOutView(auth_views.LogoutView):
    """POST signs out; GET shows a page with the button, so a link or a prefetch never signs anyone out."""

    http_method_names = ["get", "post", "options"]
    template_name = "registration/sign_out.html"

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"next": self.get_redirect_url() or ""})

    def get_default_redirect_url(self):
        return reverse("conferences:home")


@method_decorator(never_cache, name="dispatch")
class PasswordForgottenView(auth_views.PasswordResetView):
    form_class = PasswordForgottenForm
    template_name = "registration/password_forgotten.html"
    success_url = reverse_lazy("conferences:password-reset-sent")

    def post(self, request, *args, **kwargs):
        client = client_ip(request)
        if guess_limit_reached(limit=PASSWORD_RESETS, client=client):
            response = render(request, "registration/password_forgotten_too_many.html", status=429)
            response["Retry-After"] = str(PASSWORD_RESETS.window_seconds)
            return response
        # Counted whether the address has an account or not, valid or not: the limit reveals nothing.
        guess_miss_record(limit=PASSWORD_RESETS, client=client)
        return super().post(request, *args, **kwargs)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_forgotten_sent.html"


class PasswordResetNewView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_new.html"
    success_url = reverse_lazy("conferences:password-reset-complete")
    # The token leaves the address bar for the session at once; this word replaces it in the URL.
    reset_url_token = "mat-khau-moi"

    def form_valid(self, form):
        response = super().form_valid(form)
        account_lockout_lift(username=form.user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
