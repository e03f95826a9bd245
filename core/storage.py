"""Where files that must not be public are kept: outside the static and media roots."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property


class PrivateFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage whose folder, unless given, is settings.PRIVATE_MEDIA_ROOT.

    Read when first needed and again after the setting changes (as FileSystemStorage does for
    MEDIA_ROOT): a model field holds its storage from import on, so a folder fixed in the
    storage's options would keep every test writing into the one real folder.
    """

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def private_storage():
    """The storage for uploads served only through a view that checks who may read them (papers)."""
    return storages["private"]
