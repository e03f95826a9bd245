"""The signed-in user's personal API tokens: list, make one (its secret shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from conferences.forms.api_tokens import ApiTokenForm
from conferences.selectors.api_tokens import api_token_get, api_token_list
from conferences.services.api_tokens import api_token_revoke


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    # The secret is rendered into this POST's answer only: never in a URL, a message or the session.
    form = ApiTokenForm(request.POST or None, user=request.user)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        made = form.save()
        if made is not None:
            created, secret = made
            form = ApiTokenForm(user=request.user)
    tokens = list(api_token_list(user=request.user))
    status = 200 if request.method == "GET" or created or not form.errors else 400
    return render(
        request,
        "conferences/api_tokens.html",
        {"form": form, "tokens": tokens, "created": created, "secret": secret},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_token_revoke_view(request, pk: int):
    token = api_token_get(user=request.user, pk=pk)
    if token is None:
        raise Http404(_("No such token."))
    if request.method == "POST":
        api_token_revoke(token=token, by=request.user)
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect("conferences:api-tokens")
    return render(request, "conferences/api_token_revoke.html", {"token": token})
