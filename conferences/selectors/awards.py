from django.db.models import QuerySet

from conferences.models import Award, Conference


def award_list_for_conference(*, conference: Conference) -> QuerySet[Award]:
    return (
        Award.objects.filter(decision__conference=conference)
        .select_related(
            "category",
            "recipient_organization",
            "recipient_person",
            "decision__document__issuer",
        )
        .order_by("decision__signed_on", "decision_id", "ceremony_order")
    )
