from django.utils.translation import gettext_lazy
from rest_framework import serializers

from conferences.services.paper_decisions import DECISIONS
from core.api_fields import DateTimeField


class PaperDecisionInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(status.value, status.label) for status in DECISIONS])
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        help_text=gettext_lazy("Kept in the audit log for the organizers; the authors never see it."),
    )


class PaperDecisionSerializer(serializers.Serializer):
    paper = serializers.IntegerField()
    status = serializers.CharField()
    decided_at = DateTimeField(allow_null=True)
    locked_at = DateTimeField(allow_null=True)
    final_revision = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("The number of the locked final revision.")
    )
    notices = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=gettext_lazy(
            'The letters about the latest decision by state, e.g. {"held": 2}: held ones wait for an '
            "organizer's approval in the outbox; empty until a worker has written them."
        ),
    )
    notices_held = serializers.BooleanField()
    notices_sent = serializers.BooleanField()
