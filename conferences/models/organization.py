from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import NFCCharField
from core.models import TimestampedModel
from core.text import fold


class Province(models.Model):
    """A province or centrally-run city. Editable data: the list changed in 2025."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("Centrally-run city")

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = NFCCharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name

    @property
    def administrative_name(self) -> str:
        """Return the name as written after an agency's name ("tỉnh Quảng Ninh")."""
        if self.name == "Hồ Chí Minh":
            return "Thành phố Hồ Chí Minh"
        prefix = "thành phố" if self.kind == self.Kind.CITY else "tỉnh"
        return f"{prefix} {self.name}"


class Organization(TimestampedModel):
    """An agency that can be invited, present papers, host conferences and receive awards."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        MINISTERIAL_AGENCY = "ministerial_agency", _("Ministerial-level agency")
        PROVINCIAL_COMMITTEE = "provincial_committee", _("Provincial People's Committee")
        DEPARTMENT = "department", _("Department")
        OTHER = "other", _("Other")

    name = NFCCharField(_("name"), max_length=255)
    short_name = NFCCharField(_("short name"), max_length=100, blank=True)
    code = models.CharField(
        _("document code"),
        max_length=20,
        blank=True,
        help_text=_("Abbreviation used in document numbers, e.g. BKHCN."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
    )
    contact_emails = models.JSONField(_("contact e-mails"), default=list, blank=True)
    address = NFCCharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=8, default="vi")
    search_name = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["search_name"],
                condition=models.Q(parent__isnull=True),
                name="organization_unique_top_level_name",
                violation_error_message=_("An organization with this name already exists."),
            ),
            models.UniqueConstraint(
                fields=["parent", "search_name"],
                name="organization_unique_name_in_parent",
                violation_error_message=_("This parent already has an organization with this name."),
            ),
            # Document numbers (123/GM-BKHCN) name the issuer by this code.
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(code=""),
                name="organization_unique_code",
                violation_error_message=_("Another organization already uses this document code."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The folded name is derived data that uniqueness and search rely on.
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Check the contact addresses and keep them trimmed, lower-case and once each.

        The one check of these addresses: the services save through full_clean()
        and the admin's form runs it too.
        """
        if not isinstance(self.contact_emails, list):
            raise ValidationError({"contact_emails": _("Enter a list of e-mail addresses.")})
        cleaned: list[str] = []
        for raw in self.contact_emails:
            email = str(raw or "").strip().lower()
            if not email:
                continue
            try:
                validate_email(email)
            except ValidationError as exc:
                raise ValidationError(
                    {"contact_emails": _("%(email)s is not a valid e-mail address.") % {"email": email}}
                ) from exc
            if email not in cleaned:
                cleaned.append(email)
        self.contact_emails = cleaned
