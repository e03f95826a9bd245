"""The workspace home: the conferences a person organizes or reviews, and what comes next in each."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from conferences.selectors.conferences import workspace_conferences


@require_GET
@login_required
def workspace(request):
    rows = workspace_conferences(user=request.user)
    return render(request, "conferences/workspace.html", {"rows": rows})
