from conferences.models import Certificate


def verification_code_normalize(code: str) -> str:
    """The code as stored: people type it with spaces, dashes and lower case letters."""
    return "".join(code.split()).upper().replace("-", "")


def certificate_get_by_code(*, code: str) -> Certificate | None:
    """Look a certificate up by the code printed on it; typed codes may vary in case and spacing."""
    normalized = verification_code_normalize(code)
    return (
        Certificate.objects.select_related("conference", "recipient_person", "recipient_organization")
        .filter(verification_code=normalized)
        .first()
    )


def certificate_list_for_registration(*, registration) -> list[Certificate]:
    """A delegate's valid certificates; revoked ones stay off their page (verification still tells)."""
    return list(
        Certificate.objects.filter(registration=registration, revoked_at__isnull=True).order_by(
            "issued_at", "pk"
        )
    )
