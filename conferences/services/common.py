from django.db import models


def validated_save(instance: models.Model, *, exclude: list[str] | None = None) -> models.Model:
    """Run field, uniqueness and constraint validation, then save.

    Bad input becomes a ValidationError naming its field (HTTP 400 in the API,
    a form error in admin) instead of an IntegrityError from the database.
    """
    instance.full_clean(exclude=exclude)
    instance.save()
    return instance
