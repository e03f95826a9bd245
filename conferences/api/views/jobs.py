"""A job's progress: /jobs/{id}/ for the user who started it and its conference's organizers."""

from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api import schema as api_schema
from conferences.api.serializers.jobs import JobSerializer
from conferences.selectors.jobs import job_get_for_user
from core.api import ERRORS


class JobView(APIView):
    who_may_call = api_schema.JOB_OWNERS
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=gettext_lazy("Read a job's progress"),
        description=gettext_lazy(
            "Permissions: the user who started the job and the organizers of its conference (or a "
            "superuser); to anyone else the job does not exist (404). Status goes queued → running → "
            "done | failed; `error` holds why a job failed; `links.result` is where a done job's work is."
        ),
        responses={200: JobSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Running",
                value={
                    "id": 7,
                    "kind": "certificates",
                    "status": "running",
                    "done": 300,
                    "total": 1000,
                    "percent": 30,
                    "error": "",
                    "result": {},
                    "created_at": "2021-04-09T12:00:00+07:00",
                    "started_at": "2021-04-09T12:00:01+07:00",
                    "finished_at": None,
                    "links": {"self": "/api/v1/jobs/7/", "result": None},
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, pk: int):
        job = job_get_for_user(pk=pk, user=request.user)
        if job is None:
            raise NotFound(_("No such job."))
        response = Response(JobSerializer(job).data)
        patch_cache_control(response, private=True, no_store=True)
        return response
