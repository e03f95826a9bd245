import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import CreatedModel

SECRET_PREFIX = "hn_"


def api_token_hash(secret: str) -> str:
    # The secrets are 256 bits of randomness, so a fast unsalted hash cannot be brute-forced and
    # lets a request find its token by one indexed lookup.
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(CreatedModel):
    """A personal API token for an integration: named, expiring, optionally one conference, revocable.

    Only the SHA-256 of the secret is kept; the secret is shown once, when the token is made.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    conference = models.ForeignKey(
        "conferences.Conference",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("conference"),
        help_text=_("Empty: every conference of the user."),
    )
    read_only = models.BooleanField(_("read only"), default=False)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="api_token_name_unique_among_unrevoked",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({SECRET_PREFIX}{self.prefix}…)"

    def is_active(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
