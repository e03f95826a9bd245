from django.utils.translation import gettext_lazy
from rest_framework import serializers


class FilePendingSerializer(serializers.Serializer):
    """A file a worker is still building, with no job to follow: ask again after retry_after seconds."""

    message = serializers.CharField()
    retry_after = serializers.IntegerField(help_text=gettext_lazy("Seconds to wait before asking again."))
