"""What the list endpoints filter on: a FilterSet per model, or a serializer of the query parameters.

Conferences, invitations and registrations are filtered by django-filter; agencies and notices read
their parameters with a serializer and hand them to a selector.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from conferences.models import Conference, Invitation, Organization, Registration
from core.text import fold
from core.validators import validate_sane_date
from notifications.selectors import notice_kind_choices, notification_state_choices


class ConferenceFilter(django_filters.FilterSet):
    starts_after = django_filters.IsoDateTimeFilter(
        field_name="starts_at", lookup_expr="gte", validators=[validate_sane_date]
    )
    starts_before = django_filters.IsoDateTimeFilter(
        field_name="starts_at", lookup_expr="lt", validators=[validate_sane_date]
    )

    class Meta:
        model = Conference
        fields = ["status", "kind"]


class InvitationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Invitation.Status.choices)
    kind = filters.ChoiceFilter(
        field_name="organization__kind",
        choices=Organization.Kind.choices,
        help_text=_("The invited organization's kind."),
    )
    province = filters.CharFilter(
        field_name="organization__province__code", help_text=_("The province's code.")
    )
    q = filters.CharFilter(
        method="filter_name",
        help_text=_('Part of the invitee\'s name; "quang ninh" finds "Quảng Ninh".'),
    )

    class Meta:
        model = Invitation
        fields = ["status", "kind", "province", "q"]

    def filter_name(self, queryset, name, value):
        for word in fold(value).split():
            queryset = queryset.filter(
                Q(organization__search_name__contains=word) | Q(person__search_name__contains=word)
            )
        return queryset


class RegistrationFilter(filters.FilterSet):
    checked_in = filters.BooleanFilter(
        field_name="checked_in_at",
        lookup_expr="isnull",
        exclude=True,
        help_text=_("Arrived or not."),
    )
    q = filters.CharFilter(
        method="filter_name",
        max_length=200,
        help_text=_('Words of the delegate\'s or the agency\'s name; "hoa" finds "Hòa" and "Hoà".'),
    )
    ordering = filters.OrderingFilter(
        fields=(
            ("person__sort_key", "name"),
            ("organization__search_name", "agency"),
            ("checked_in_at", "checked_in"),
        ),
        help_text=_("name, agency or checked_in; a leading minus reverses."),
    )

    class Meta:
        model = Registration
        fields = ["status", "organization", "checked_in", "q"]

    def filter_name(self, queryset, name, value):
        for word in fold(value).split():
            queryset = queryset.filter(
                Q(person__search_name__contains=word) | Q(organization__search_name__contains=word)
            )
        return queryset


def search_words(request) -> str:
    """The `q` of a whole list's request, cut to a sane length (longer is no name)."""
    return request.query_params.get("q", "")[:200]


SEARCH_PARAMETER = OpenApiParameter(
    "q",
    OpenApiTypes.STR,
    description=_('Words of a name, with or without accents: "quang ninh" finds "Quảng Ninh".'),
)


class OrganizationFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, max_length=200, help_text=_("Words of the name, with or without accents.")
    )
    kind = serializers.ChoiceField(choices=Organization.Kind.choices, required=False)
    province = serializers.CharField(
        required=False, max_length=8, help_text=_("The province's code, e.g. 22.")
    )


class NotificationFilterSerializer(serializers.Serializer):
    conference = serializers.SlugField(required=False, help_text=_("Only this conference's notices (slug)."))
    kind = serializers.ChoiceField(choices=[name for name, _label in notice_kind_choices()], required=False)
    state = serializers.ChoiceField(choices=notification_state_choices(), required=False)
    recipient = serializers.CharField(
        required=False, max_length=254, help_text=_("Part of the recipient's address or name.")
    )
    q = serializers.CharField(
        required=False,
        max_length=254,
        help_text=_("The same as recipient: the search every list takes, accents ignored."),
    )


class NotificationCountsQuerySerializer(serializers.Serializer):
    conference = serializers.SlugField(help_text=_("The conference's slug."))
