"""Bulk actions over the API: the same choices the organizer pages' "selected" and "all that match" forms
offer, typed for JSON. They only read the input; the views hand it to the pages' selectors and services."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from conferences.api.serializers.jobs import JobSerializer
from conferences.forms.certificates import REISSUE, REVOKE
from conferences.models import Certificate, Organization
from conferences.selectors.certificate_lists import STATES
from conferences.selectors.delegates import CHECKED_IN, NOT_CHECKED_IN
from conferences.services.certificates import REASON_MAX_CHARS
from core.api_fields import IdField

CERTIFICATE_BULK_ACTIONS = (REVOKE, REISSUE)
# Enough for any conference's list; a longer body is a mistake, not a selection.
MAX_IDS = 5000


class SelectionSerializer(serializers.Serializer):
    """The chosen rows by id, or (all_matching) every row the list's filters show."""

    ids = serializers.ListField(child=IdField(), required=False, max_length=MAX_IDS)
    all_matching = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy("Take every row the filters match instead of ids."),
    )

    def validate(self, attrs):
        if not attrs.get("all_matching") and not attrs.get("ids"):
            raise serializers.ValidationError({"ids": _("Give ids, or all_matching with the filters.")})
        return attrs


class CertificateBulkSerializer(SelectionSerializer):
    action = serializers.ChoiceField(choices=CERTIFICATE_BULK_ACTIONS)
    reason = serializers.CharField(max_length=REASON_MAX_CHARS)
    kind = serializers.ChoiceField(choices=Certificate.Kind.choices, required=False)
    state = serializers.ChoiceField(
        choices=STATES,
        required=False,
        help_text=gettext_lazy("With all_matching: valid, pending (not rendered yet) or revoked."),
    )
    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text=gettext_lazy("Words of the holder's name, with or without accents."),
    )


class CertificateBulkResultSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=CERTIFICATE_BULK_ACTIONS)
    count = serializers.IntegerField(
        help_text=gettext_lazy(
            "How many valid certificates this call revoked (and replaced); 0 when none was."
        )
    )
    job = JobSerializer(
        allow_null=True,
        help_text=gettext_lazy(
            "reissue: the job rendering the replacements; null when nothing was replaced."
        ),
    )


class DelegateFilterSerializer(serializers.Serializer):
    """The delegate list's filters, as the page's list, exports and check-in take them."""

    kind = serializers.ChoiceField(choices=Organization.Kind.choices, required=False)
    province = serializers.CharField(
        required=False, max_length=10, help_text=gettext_lazy("The agency's province code, e.g. 22.")
    )
    checked_in = serializers.BooleanField(required=False, allow_null=True, default=None)
    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text=gettext_lazy("Words of the delegate's or the agency's name."),
    )

    def selector_filters(self) -> dict:
        data = self.validated_data
        arrived = data.get("checked_in")
        return {
            "kind": data.get("kind") or None,
            "province_code": data.get("province") or None,
            "checked_in": None if arrived is None else (CHECKED_IN if arrived else NOT_CHECKED_IN),
            "query": data.get("q") or None,
        }


class RegistrationBulkCheckInSerializer(SelectionSerializer, DelegateFilterSerializer):
    pass


class BulkCheckInResultSerializer(serializers.Serializer):
    chosen = serializers.IntegerField(help_text=gettext_lazy("How many confirmed delegates the call chose."))
    checked_in = serializers.IntegerField(
        help_text=gettext_lazy("How many of them arrived by this call (the others had arrived before).")
    )
