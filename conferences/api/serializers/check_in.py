"""Serializers of the door: a check-in's result, what a desk app sends, and the live counts."""

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from conferences.services.check_in import MAX_INPUT_LENGTH, CheckInResult
from core.api_fields import DateTimeField
from core.ticket_codes import ticket_code_display


class CheckInInputSerializer(serializers.Serializer):
    # No max_length here: the service refuses a long text with its own message (code "too_long").
    code = serializers.CharField(
        allow_blank=True,
        trim_whitespace=True,
        help_text=gettext_lazy(
            "The ticket code typed from the e-ticket (e.g. ABC-DEFG; case, spaces and dashes do not "
            "matter) or the delegate's personal link read from a QR code. At most %(n)s characters."
        )
        % {"n": MAX_INPUT_LENGTH},
    )


class CheckInResultSerializer(serializers.Serializer):
    registration = serializers.IntegerField(source="registration.pk")
    name = serializers.CharField(source="registration.display_name")
    organization = serializers.CharField(source="registration.organization.name", default="")
    ticket_code = serializers.SerializerMethodField()
    first_time = serializers.BooleanField(
        help_text=gettext_lazy("True when this call recorded the arrival; false when it was recorded before.")
    )
    checked_in_at = DateTimeField()
    checked_in_by = serializers.CharField(
        source="checked_in_by_name", help_text=gettext_lazy("Who recorded the arrival; empty if unknown.")
    )
    message = serializers.CharField(help_text=gettext_lazy("What the desk shows, in the request's language."))

    def get_ticket_code(self, result: CheckInResult) -> str:
        return ticket_code_display(result.registration.ticket_code)


class CheckInGroupSerializer(serializers.Serializer):
    expected = serializers.IntegerField()
    checked_in = serializers.IntegerField()


class CheckInKindSerializer(CheckInGroupSerializer):
    kind = serializers.CharField(help_text=gettext_lazy("The agency kind; empty for no agency."))
    label = serializers.CharField()


class CheckInProvinceSerializer(CheckInGroupSerializer):
    code = serializers.CharField(help_text=gettext_lazy("The province's code; empty for none."))
    name = serializers.CharField()


class CheckInCountsSerializer(CheckInGroupSerializer):
    by_kind = CheckInKindSerializer(many=True)
    by_province = CheckInProvinceSerializer(many=True)
