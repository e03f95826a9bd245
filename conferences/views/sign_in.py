"""What a client sees when django-axes refuses a sign-in after too many failures (AXES_LOCKOUT_CALLABLE)."""

import math

from axes.helpers import get_cool_off
from django.http import HttpResponse
from django.shortcuts import render


def lockout_minutes(request) -> int:
    """How long a lockout lasts after the last failure, in whole minutes."""
    return math.ceil(get_cool_off(request).total_seconds() / 60)


def sign_in_locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    minutes = lockout_minutes(request)
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
