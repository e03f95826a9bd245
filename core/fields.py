"""Model fields that store text in Unicode NFC whatever form it arrives in, without control characters."""

from django.core import validators
from django.db import models

from core.text import nfc


class NFCMixin:
    multiline = False

    def _clean_text(self, value):
        return nfc(value, multiline=self.multiline) if isinstance(value, str) else value

    def to_python(self, value):
        # full_clean() validates the cleaned text: a name of control characters only is blank.
        return self._clean_text(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = self._clean_text(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        return self._clean_text(super().get_prep_value(value))


class NFCCharField(NFCMixin, models.CharField):
    """One line of text: line breaks and tabs become spaces."""


class NFCTextField(NFCMixin, models.TextField):
    """Text of several lines: line breaks and tabs stay.

    Unlike Django's TextField, a max_length is enforced (by full_clean, so by
    the services, admin and model forms), not only shown on the form's textarea.
    """

    multiline = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))
