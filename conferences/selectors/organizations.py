from django.db.models import QuerySet

from conferences.models import Organization
from core.text import fold


def organization_search(
    *, query: str = "", kind: str = "", province_code: str = ""
) -> QuerySet[Organization]:
    """Find organizations without caring about accents or case ("quang ninh" finds "Quảng Ninh")."""
    queryset = Organization.objects.select_related("province", "parent")
    if query:
        for word in fold(query).split():
            queryset = queryset.filter(search_name__contains=word)
    if kind:
        queryset = queryset.filter(kind=kind)
    if province_code:
        queryset = queryset.filter(province__code=province_code)
    return queryset
