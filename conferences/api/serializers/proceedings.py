"""The proceedings over the API: a build request, and each stored build with its download address."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from conferences.models import PaperFigure, Proceedings
from core.api_fields import ModelSerializer, PrimaryKeyRelatedField


class ProceedingsBuildSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Proceedings.Kind.choices, default=Proceedings.Kind.BOOK)
    variant = serializers.ChoiceField(
        choices=Proceedings.Variant.choices, default=Proceedings.Variant.STANDARD
    )


class ProceedingsSerializer(ModelSerializer):
    download = serializers.SerializerMethodField(help_text=gettext_lazy("The PDF of this build."))
    job = PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Proceedings
        fields = [
            "id",
            "kind",
            "variant",
            "version",
            "input_hash",
            "pages",
            "size",
            "job",
            "created_at",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, build: Proceedings) -> str:
        return reverse(
            "api:proceedings-download", kwargs={"conference_slug": build.conference.slug, "pk": build.pk}
        )


class PaperFigureSerializer(ModelSerializer):
    number = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The number the book prints it under (“Hình 1” ...): refer to it so in the text."
        )
    )

    class Meta:
        model = PaperFigure
        fields = ["id", "number", "caption", "width", "height", "created_at"]
        read_only_fields = fields

    def get_number(self, figure: PaperFigure) -> int:
        return self.context["numbers"][figure.pk]


class PaperFigureUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True, help_text=gettext_lazy("A PNG or JPEG image, at most 10 MB.")
    )
    caption = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
