from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import NFCCharField, NFCTextField
from core.models import TimestampedModel


class AgendaItem(TimestampedModel):
    """One line of the working agenda; published versions are frozen snapshots of these."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        REPORT = "report", _("Report")
        PAPER = "paper", _("Paper")
        DISCUSSION = "discussion", _("Discussion")
        BREAK = "break", _("Break")
        AWARDS = "awards", _("Awards ceremony")
        CLOSING = "closing", _("Closing")
        OTHER = "other", _("Other")

    conference = models.ForeignKey(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="agenda_items",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.ForeignKey(
        "conferences.Room",
        verbose_name=_("room"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    title = NFCCharField(_("title"), max_length=500)
    description = NFCTextField(_("description"), max_length=4000, blank=True)
    presenter_text = NFCCharField(
        _("presented by"),
        max_length=255,
        blank=True,
        help_text=_('Shown in the "presented by" column, e.g. "Ban Tổ chức".'),
    )
    presenting_organization = models.ForeignKey(
        "conferences.Organization",
        verbose_name=_("presenting organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    chair = models.ForeignKey(
        "conferences.Person",
        verbose_name=_("chair"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_items",
    )
    speakers = models.ManyToManyField(
        "conferences.Person", verbose_name=_("speakers"), blank=True, related_name="agenda_items"
    )
    paper = models.OneToOneField(
        "conferences.Paper",
        verbose_name=_("paper"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_item",
    )
    position = models.PositiveIntegerField(pgettext_lazy("sort order", "position"), default=0)

    class Meta:
        ordering = ["conference", "starts_at", "position", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="agenda_item_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["conference", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class AgendaVersion(models.Model):
    """A published, immutable agenda: its items as JSON and the changes from the version before."""

    conference = models.ForeignKey(
        "conferences.Conference",
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="agenda_versions",
    )
    number = models.PositiveIntegerField(_("version"))
    items = models.JSONField(_("items"), default=list)
    changelog = models.JSONField(_("changes"), default=list, blank=True)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set by the worker once the exports are built and the change notices written; until then the
    # organizer sees that they are being written.
    prepared_at = models.DateTimeField(_("prepared at"), null=True, blank=True)

    class Meta:
        ordering = ["conference", "-number"]
        get_latest_by = "number"
        verbose_name = _("agenda version")
        verbose_name_plural = _("agenda versions")
        constraints = [
            models.UniqueConstraint(fields=["conference", "number"], name="agenda_version_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="agenda_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.conference.slug} v{self.number}"
