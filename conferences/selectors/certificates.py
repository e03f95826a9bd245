from conferences.models import Certificate


def certificate_get_by_code(*, code: str) -> Certificate | None:
    """Look a certificate up by the code printed on it; typed codes may vary in case and spacing."""
    normalized = "".join(code.split()).upper().replace("-", "")
    return (
        Certificate.objects.select_related("conference", "recipient_person", "recipient_organization")
        .filter(verification_code=normalized)
        .first()
    )
