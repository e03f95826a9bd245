from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    name = "conferences"
    verbose_name = _("Conferences")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The outbox accepts only the kinds an app registers; these are the conference side's.
        from conferences.enums import HELD_BY_DEFAULT, AccountNoticeKind, NoticeKind
        from notifications.services import notice_kind_register

        for kind in NoticeKind:
            notice_kind_register(kind.value, held_by_default=kind in HELD_BY_DEFAULT, description=kind.label)
        # A reset link is useless once it waits for someone's approval.
        for kind in AccountNoticeKind:
            notice_kind_register(kind.value, held_by_default=False, description=kind.label)
