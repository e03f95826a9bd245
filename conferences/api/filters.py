import django_filters

from conferences.models import Conference


class ConferenceFilter(django_filters.FilterSet):
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Conference
        fields = ["status", "kind"]
