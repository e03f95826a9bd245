from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import NFCCharField, NFCTextField
from core.models import CreatedModel, TimestampedModel

# Words the site's own addresses use (/to-chuc/co-quan/nhap/, /hoi-nghi/<slug>/chuong-trinh/ ...):
# a conference slugged like one could shadow a page or be shadowed by it. A test checks that every
# literal segment of the URLconf is here.
RESERVED_SLUGS = frozenset(
    {
        "admin", "api", "ban", "cai-dat", "chuong-trinh", "chuyen", "co-quan", "cong-bo", "dai-bieu",
        "dang-nhap", "danh-sach", "dong", "de-nghi-khen-thuong", "diem-danh", "dien-tu-tham-luan", "doi-gio",
        "duyet", "giay-moi", "gui", "gui-da-chon", "gui-lai", "hoi-nghi", "i18n", "khen-thuong",
        "khong-duyet", "kich-ban", "le-trao-thuong", "lich-su",
        "loi-moi", "ma-api", "man-hinh", "media", "moi", "moi-hang-loat", "ngon-ngu", "nhac", "nhan-ban",
        "nhap",
        "nhom", "phan-bien", "phan-cong", "phong", "quyet-dinh", "rut", "sap-xep", "static", "sua", "tep",
        "tham-luan", "them",
        "thong-bao", "thu-hoi", "thu-tu", "to-chuc", "tra-loi", "tra-loi-thay", "trang-thai", "xac-minh",
        "xac-nhan", "xem-truoc",
        "xoa", "xu-ly", "xung-dot",
        # The account pages (conferences.views.sign_in).
        "da-gui", "dang-xuat", "dat-lai-mat-khau", "mat-khau-moi", "quen-mat-khau", "xong",
    }
)  # fmt: skip


# The languages a conference can offer its pages and notices in, in the order they are listed.
CONFERENCE_LANGUAGES = ("vi", "en")


def default_languages() -> list[str]:
    return ["vi"]


def validate_languages(value) -> None:
    """A non-empty list of distinct codes among CONFERENCE_LANGUAGES (stored as JSON, portable to SQLite)."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one language."), code="required")
    unknown = [code for code in value if code not in CONFERENCE_LANGUAGES]
    if unknown or len(set(value)) != len(value):
        raise ValidationError(
            _("Choose among: %(codes)s."), code="invalid", params={"codes": ", ".join(CONFERENCE_LANGUAGES)}
        )


def validate_slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is a word the site's addresses use; choose another."),
            code="reserved",
            params={"slug": value},
        )


class Conference(TimestampedModel):
    class Kind(models.TextChoices):
        MID_TERM_REVIEW = "mid_term_review", _("Mid-term review conference")
        FINAL_REVIEW = "final_review", _("Final review conference")
        ANNUAL_REVIEW = "annual_review", _("Annual review conference")
        SCIENTIFIC = "scientific", _("Scientific conference")
        TRAINING = "training", _("Training conference")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    slug = models.SlugField(_("slug"), max_length=100, unique=True, validators=[validate_slug_not_reserved])
    title_vi = NFCCharField(_("title (Vietnamese)"), max_length=400)
    title_en = NFCCharField(_("title (English)"), max_length=400, blank=True)
    short_title = NFCCharField(
        _("short title"),
        max_length=120,
        blank=True,
        help_text=_("Printed in running headers; the title is shortened when this is empty."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.MID_TERM_REVIEW)
    legal_basis = NFCCharField(
        _("legal basis"),
        max_length=400,
        blank=True,
        help_text=_("The document under review, e.g. Quyết định số 19/2014/QĐ-TTg."),
    )
    description = NFCTextField(_("description"), max_length=10_000, blank=True)
    proceedings_foreword = NFCTextField(
        _("proceedings foreword"),
        max_length=20_000,
        blank=True,
        help_text=_("Markdown, printed at the front of the proceedings (Lời nói đầu)."),
    )
    review_period_start = models.PositiveSmallIntegerField(
        _("review period from (year)"), null=True, blank=True
    )
    review_period_end = models.PositiveSmallIntegerField(_("review period to (year)"), null=True, blank=True)
    host = models.ForeignKey(
        "conferences.Organization",
        verbose_name=_("host organization"),
        on_delete=models.PROTECT,
        related_name="hosted_conferences",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue_name = NFCCharField(_("venue"), max_length=255, blank=True)
    venue_address = NFCCharField(_("venue address"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    rsvp_deadline = models.DateTimeField(_("RSVP deadline"), null=True, blank=True)
    paper_deadline = models.DateTimeField(_("paper deadline"), null=True, blank=True)
    nomination_deadline = models.DateTimeField(_("award nomination deadline"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    default_delegate_quota = models.PositiveSmallIntegerField(
        _("default delegate quota"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Delegates per invited agency when an invitation does not say."),
    )
    languages = models.JSONField(
        _("languages"),
        default=default_languages,
        validators=[validate_languages],
        help_text=_("The languages the conference offers: vi, en."),
    )
    chair = models.ForeignKey(
        "conferences.Person",
        verbose_name=_("chair"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_conferences",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="conference_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(review_period_start__isnull=True)
                | models.Q(review_period_end__isnull=True)
                | models.Q(review_period_end__gte=models.F("review_period_start")),
                name="conference_review_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(rsvp_deadline__isnull=True)
                | models.Q(rsvp_deadline__lte=models.F("starts_at")),
                name="conference_rsvp_before_start",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gt=0),
                name="conference_capacity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(default_delegate_quota__gte=1),
                name="conference_default_quota_positive",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title_vi

    def get_absolute_url(self) -> str:
        return reverse("conferences:detail", kwargs={"slug": self.slug})

    @property
    def title(self) -> str:
        """Return the title in the active language, falling back to Vietnamese."""
        if translation.get_language() == "en" and self.title_en:
            return self.title_en
        return self.title_vi

    @property
    def review_period(self) -> str:
        if self.review_period_start and self.review_period_end:
            return f"{self.review_period_start} - {self.review_period_end}"
        return ""


class Room(models.Model):
    conference = models.ForeignKey(
        Conference, verbose_name=_("conference"), on_delete=models.CASCADE, related_name="rooms"
    )
    name = NFCCharField(_("name"), max_length=100)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "position"), default=0)

    class Meta:
        ordering = ["conference", "position", "name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(fields=["conference", "name"], name="room_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ConferenceRole(CreatedModel):
    """A per-conference permission: organizers run it, reviewers review its papers."""

    class Role(models.TextChoices):
        ORGANIZER = "organizer", _("Organizer")
        REVIEWER = "reviewer", _("Reviewer")

    conference = models.ForeignKey(
        Conference, verbose_name=_("conference"), on_delete=models.CASCADE, related_name="roles"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="conference_roles",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("conference role")
        verbose_name_plural = _("conference roles")
        constraints = [
            models.UniqueConstraint(fields=["conference", "user", "role"], name="conference_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.conference.slug}"
