"""An agency's award nominations, from its delegate's personal page: its own list, a new one, withdrawal.

A link sees only the nominations sent through it; another is a 404. Whom it may nominate (its
own agency and its people) is nomination_create's rule; the form offers only those.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conferences.exports.nomination_files import nomination_file_response
from conferences.forms.awards import errors_into_form
from conferences.forms.nominations import AgencyNominationForm
from conferences.models import Person, Registration
from conferences.selectors.invitations import registration_get_by_token
from conferences.selectors.nominations import nomination_of_registration, nominations_of_registration
from conferences.services.nominations import MAX_FILE_BYTES, nomination_create, nomination_withdraw
from conferences.views.links import opened_by_link
from core.exceptions import ApplicationError
from core.uploads import upload_refusal, upload_size_limited


def _form(registration: Registration, data=None, files=None) -> AgencyNominationForm:
    people = list(Person.objects.filter(organization=registration.organization).order_by("full_name")[:500])
    return AgencyNominationForm(data, files, organization=registration.organization, people=people)


@never_cache
@upload_size_limited(MAX_FILE_BYTES)
@require_http_methods(["GET", "POST"])
@opened_by_link(registration_get_by_token)
def nominations(request, registration: Registration, token: str):
    if registration.organization_id is None:
        raise Http404
    conference = registration.conference
    form = _form(registration)
    status = 200
    if request.method == "POST":
        form = _form(registration, request.POST, request.FILES)
        refused = upload_refusal(request)
        if refused:
            form.is_valid()
            form.add_error("file", refused)
        elif form.is_valid():
            try:
                nomination_create(
                    conference=conference,
                    category=form.cleaned_data["category"],
                    justification=form.cleaned_data["justification"],
                    upload=form.cleaned_data.get("file"),
                    by_registration=registration,
                    **form.nominee_kwargs(),
                )
            except ValidationError as exc:
                errors_into_form(form, exc)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Your nomination is received."))
                return redirect("conferences:delegate-nominations", token=token)
        status = 400
    context = {
        "registration": registration,
        "conference": conference,
        "token": token,
        "nominations": nominations_of_registration(registration),
        "form": form,
    }
    return render(request, "conferences/delegate_nominations.html", context, status=status)


@never_cache
@require_POST
@opened_by_link(registration_get_by_token)
def nomination_withdraw_view(request, registration: Registration, token: str, pk: int):
    nomination = nomination_of_registration(registration=registration, pk=pk)
    if nomination is None:
        raise Http404
    try:
        nomination_withdraw(nomination=nomination, by_registration=registration)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your nomination is withdrawn."))
    return redirect("conferences:delegate-nominations", token=token)


@never_cache
@require_GET
@opened_by_link(registration_get_by_token)
def nomination_file_view(request, registration: Registration, token: str, pk: int):
    """The supporting file of a nomination sent through this link."""
    nomination = nomination_of_registration(registration=registration, pk=pk)
    if nomination is None:
        raise Http404
    return nomination_file_response(nomination=nomination)
