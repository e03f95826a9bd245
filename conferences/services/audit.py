"""The audit log: the one way every service records who did what to which record."""

from django.db import models

from conferences.models import AuditEntry, Conference


def audit_record(
    *,
    action: AuditEntry.Action,
    target: models.Model | None = None,
    object_type: str = "",
    conference: Conference | None = None,
    actor=None,
    data: dict | None = None,
) -> AuditEntry:
    """Write one entry; `target` names the record (its model and id) unless `object_type` is given.

    An anonymous actor (a personal link, a worker) is recorded as nobody.
    """
    if target is not None:
        object_type = object_type or target._meta.model_name
    return AuditEntry.objects.create(
        conference=conference,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
