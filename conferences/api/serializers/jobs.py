from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from conferences.models import Job
from conferences.selectors.jobs import job_percent
from core.api_fields import ModelSerializer


class JobLinksSerializer(serializers.Serializer):
    self = serializers.CharField(help_text=gettext_lazy("This job's address in the API."))
    result = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy("Where the finished job's work is shown; null until it is done."),
    )


class JobSerializer(ModelSerializer):
    percent = serializers.SerializerMethodField(help_text=gettext_lazy("done / total in percent, 0-100."))
    links = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "done",
            "total",
            "percent",
            "error",
            "result",
            "created_at",
            "started_at",
            "finished_at",
            "links",
        ]
        read_only_fields = fields

    def get_percent(self, job: Job) -> int:
        return job_percent(job)

    @extend_schema_field(JobLinksSerializer)
    def get_links(self, job: Job) -> dict:
        result_url = job.result.get("url") if job.status == Job.Status.DONE else None
        return {"self": reverse("api:job", kwargs={"pk": job.pk}), "result": result_url}
