from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import NFCCharField
from core.models import CreatedModel
from core.text import fold, vietnamese_name_sort_key


class Person(CreatedModel):
    """Someone who attends, presents, reviews, chairs or signs. Full name family name first."""

    full_name = NFCCharField(_("full name"), max_length=200)
    position = NFCCharField(pgettext_lazy("job title", "position"), max_length=200, blank=True)
    organization = models.ForeignKey(
        "conferences.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="vi")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    locked = models.BooleanField(
        _("verified by the organizers"),
        default=False,
        help_text=_(
            "An agency's answer to an invitation no longer changes this person's name, position "
            "or phone; it keeps what it typed on its own registration."
        ),
    )
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    sort_key = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=~models.Q(email=""),
                name="person_unique_email",
                violation_error_message=_("A person with this e-mail address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        self.search_name = fold(self.full_name)
        self.sort_key = vietnamese_name_sort_key(self.full_name)
        super().save(*args, **kwargs)

    @property
    def given_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else ""
