"""Model fields that store text in Unicode NFC whatever form it arrives in."""

from django.db import models

from core.text import nfc


class NFCMixin:
    def pre_save(self, model_instance, add):
        value = nfc(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return nfc(value) if isinstance(value, str) else value


class NFCCharField(NFCMixin, models.CharField):
    pass


class NFCTextField(NFCMixin, models.TextField):
    pass
