"""Where files that must not be public are kept: outside the static and media roots."""

from django.core.files.storage import storages


def private_storage():
    """The storage for uploads served only through a view that checks who may read them (papers)."""
    return storages["private"]
